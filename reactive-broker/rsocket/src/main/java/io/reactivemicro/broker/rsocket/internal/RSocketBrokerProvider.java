package io.reactivemicro.broker.rsocket.internal;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.rsocket.RSocketBroker;
import io.reactivemicro.broker.spi.BrokerProvider;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.registry.Registry;

/**
 * Provides {@code rsocket} ({@code MICRO_BROKER=rsocket}): {@link RSocketBroker} on the registry the
 * settings choose ({@code MICRO_REGISTRY}), its server bound to {@code MICRO_BROKER_ADDRESS} ({@code :0},
 * any free port, by default).
 */
public final class RSocketBrokerProvider implements BrokerProvider {

  @Override
  public String name() {
    return "rsocket";
  }

  @Override
  public Broker create(Settings settings) {
    String address = settings.addresses("broker").stream().findFirst().orElse(":0");
    RSocketBroker.Builder builder = RSocketBroker.builder(Registry.fromSettings(settings)).address(address);
    if (settings.get("registry").isPresent()) {
      builder.ownsRegistry();
    }
    return builder.build();
  }
}
