package io.reactivemicro.broker;

import io.reactivemicro.plugin.Provider;

/**
 * The plugin interface of brokers: {@code MICRO_BROKER=<name>} (or {@code --broker=<name>}) picks the
 * provider with that name, listed in {@code META-INF/services/io.reactivemicro.broker.BrokerProvider}.
 * {@code MICRO_BROKER_ADDRESS} gives its addresses.
 */
public interface BrokerProvider extends Provider<Broker> {}
