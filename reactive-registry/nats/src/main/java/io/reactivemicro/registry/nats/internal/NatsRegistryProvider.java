package io.reactivemicro.registry.nats.internal;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.nats.NatsRegistry;
import io.reactivemicro.registry.spi.RegistryProvider;
import java.util.List;

/**
 * Provides {@code nats} ({@code MICRO_REGISTRY=nats} or {@code --registry=nats}): a {@link NatsRegistry} on
 * the servers of {@code MICRO_REGISTRY_ADDRESS} ({@value NatsRegistry#DEFAULT_ADDRESS} when unset), under
 * the subject prefix of {@code MICRO_REGISTRY_PREFIX} ({@value NatsRegistry#DEFAULT_PREFIX} when unset).
 * NATS backends created from settings for the same servers share one connection, closed when the last of
 * them closes.
 */
public final class NatsRegistryProvider implements RegistryProvider {

  @Override
  public String name() {
    return "nats";
  }

  /**
   * Returns a registry for {@code settings}; it connects to NATS on its first operation.
   *
   * @param settings the addresses ({@code registry_address}) and subject prefix ({@code registry_prefix})
   * @return the registry
   */
  @Override
  public Registry create(Settings settings) {
    List<String> addresses = settings.addresses("registry");
    NatsRegistry.Builder builder = NatsRegistry.sharedClientBuilder(
        addresses.isEmpty() ? List.of(NatsRegistry.DEFAULT_ADDRESS) : addresses);
    settings.get("registry_prefix").ifPresent(builder::prefix);
    return builder.build();
  }
}
