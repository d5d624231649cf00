package io.reactivemicro.internal.provider;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.spi.BrokerProvider;
import io.reactivemicro.plugin.Settings;

/** Provides {@code memory}: the JVM-wide {@link Broker#shared()}. */
public final class MemoryBrokerProvider implements BrokerProvider {

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Broker create(Settings settings) {
    return Broker.shared();
  }
}
