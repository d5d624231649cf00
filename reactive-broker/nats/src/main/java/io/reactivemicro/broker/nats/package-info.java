/** The NATS broker: core subjects and queue groups through jnats. */
@NullMarked
package io.reactivemicro.broker.nats;

import org.jspecify.annotations.NullMarked;
