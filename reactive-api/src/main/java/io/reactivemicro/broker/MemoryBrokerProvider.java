package io.reactivemicro.broker;

import io.reactivemicro.plugin.Settings;

/** Provides {@code memory}: the JVM-wide {@link Broker#defaultBroker()}. */
public final class MemoryBrokerProvider implements BrokerProvider {

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Broker create(Settings settings) {
    return Broker.defaultBroker();
  }
}
