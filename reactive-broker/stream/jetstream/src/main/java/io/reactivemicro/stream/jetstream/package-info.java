/** The JetStream stream: durable event streams on NATS JetStream ({@code MICRO_STREAM=jetstream}). */
@NullMarked
package io.reactivemicro.stream.jetstream;

import org.jspecify.annotations.NullMarked;
