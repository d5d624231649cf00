/** The RSocket peer-to-peer broker: subscribers found through the registry, messages sent over RSocket. */
@NullMarked
package io.reactivemicro.broker.rsocket;

import org.jspecify.annotations.NullMarked;
