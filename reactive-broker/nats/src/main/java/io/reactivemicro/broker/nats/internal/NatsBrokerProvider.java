package io.reactivemicro.broker.nats.internal;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.nats.NatsBroker;
import io.reactivemicro.broker.spi.BrokerProvider;
import io.reactivemicro.plugin.Settings;
import java.util.List;

/**
 * Provides {@code nats} ({@code MICRO_BROKER=nats}): {@link NatsBroker} on the servers of
 * {@code MICRO_BROKER_ADDRESS}, {@code 127.0.0.1:4222} by default. NATS backends created from settings for
 * the same servers share one connection, closed when the last of them closes.
 */
public final class NatsBrokerProvider implements BrokerProvider {

  @Override
  public String name() {
    return "nats";
  }

  @Override
  public Broker create(Settings settings) {
    List<String> addresses = settings.addresses("broker");
    return NatsBroker.sharedClientBuilder(addresses.isEmpty() ? List.of("127.0.0.1:4222") : addresses).build();
  }
}
