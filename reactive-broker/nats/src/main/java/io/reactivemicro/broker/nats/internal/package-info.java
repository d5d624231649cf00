/** The plugin's provider, found by {@link java.util.ServiceLoader}: not for applications, not exported. */
@NullMarked
package io.reactivemicro.broker.nats.internal;

import org.jspecify.annotations.NullMarked;
