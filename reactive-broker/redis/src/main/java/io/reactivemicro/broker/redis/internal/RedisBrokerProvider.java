package io.reactivemicro.broker.redis.internal;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.redis.RedisBroker;
import io.reactivemicro.broker.spi.BrokerProvider;
import io.reactivemicro.plugin.Settings;
import java.util.List;

/**
 * Provides {@code redis} ({@code MICRO_BROKER=redis}): {@link RedisBroker} on the server of
 * {@code MICRO_BROKER_ADDRESS} ({@code host:port} or a {@code redis://} URI), {@code 127.0.0.1:6379} by
 * default. Redis backends created from settings for the same server share one Lettuce client, shut down
 * when the last of them closes.
 */
public final class RedisBrokerProvider implements BrokerProvider {

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public Broker create(Settings settings) {
    List<String> addresses = settings.addresses("broker");
    if (addresses.size() > 1) {
      throw new IllegalArgumentException("the Redis broker takes one address, not " + addresses);
    }
    return RedisBroker.sharedClientBuilder(addresses.isEmpty() ? "127.0.0.1:6379" : addresses.get(0)).build();
  }
}
