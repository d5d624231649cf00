package io.reactivemicro.broker.spi;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.plugin.spi.Provider;

/**
 * The plugin interface of brokers: {@code MICRO_BROKER=<name>} (or {@code --broker=<name>}) picks the
 * provider with that name, listed in {@code META-INF/services/io.reactivemicro.broker.spi.BrokerProvider}.
 * {@code MICRO_BROKER_ADDRESS} gives its addresses.
 */
public interface BrokerProvider extends Provider<Broker> {}
