/**
 * Publish/subscribe messaging: {@link io.reactivemicro.broker.Broker} with queue groups, the in-memory
 * {@link io.reactivemicro.broker.MemoryBroker}, and {@link io.reactivemicro.broker.Subscribe} for
 * handler methods a service subscribes with.
 */
@NullMarked
package io.reactivemicro.broker;

import org.jspecify.annotations.NullMarked;
