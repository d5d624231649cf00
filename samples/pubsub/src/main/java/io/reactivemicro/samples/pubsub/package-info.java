/** The pub/sub sample: a shop that publishes order events and a billing service that subscribes to them. */
@NullMarked
package io.reactivemicro.samples.pubsub;

import org.jspecify.annotations.NullMarked;
