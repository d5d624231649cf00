package io.reactivemicro.broker.redis;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.spi.BrokerProvider;
import io.reactivemicro.plugin.Settings;

/**
 * Provides {@code redis} ({@code MICRO_BROKER=redis}): {@link RedisBroker} on the server of
 * {@code MICRO_BROKER_ADDRESS} ({@code host:port} or a {@code redis://} URI), {@code 127.0.0.1:6379} by
 * default.
 */
public final class RedisBrokerProvider implements BrokerProvider {

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public Broker create(Settings settings) {
    return RedisBroker.create(settings.addresses("broker"));
  }
}
