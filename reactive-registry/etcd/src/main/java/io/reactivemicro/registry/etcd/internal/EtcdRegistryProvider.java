package io.reactivemicro.registry.etcd.internal;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.etcd.EtcdRegistry;
import io.reactivemicro.registry.spi.RegistryProvider;
import java.util.List;

/**
 * Provides {@code etcd} ({@code MICRO_REGISTRY=etcd} or {@code --registry=etcd}): an {@link EtcdRegistry}
 * on the addresses of {@code MICRO_REGISTRY_ADDRESS} ({@value EtcdRegistry#DEFAULT_ADDRESS} when unset),
 * with the key prefix of {@code MICRO_REGISTRY_PREFIX} ({@value EtcdRegistry#DEFAULT_PREFIX} when unset).
 * etcd backends created from settings for the same endpoints share one jetcd client, closed when the last
 * of them closes.
 */
public final class EtcdRegistryProvider implements RegistryProvider {

  @Override
  public String name() {
    return "etcd";
  }

  /**
   * Returns a registry for {@code settings}; nothing is sent to etcd before its first operation.
   *
   * @param settings the addresses ({@code registry_address}) and key prefix ({@code registry_prefix})
   * @return the registry
   */
  @Override
  public Registry create(Settings settings) {
    List<String> addresses = settings.addresses("registry");
    EtcdRegistry.Builder builder = EtcdRegistry.sharedClientBuilder(
        addresses.isEmpty() ? List.of(EtcdRegistry.DEFAULT_ADDRESS) : addresses);
    settings.get("registry_prefix").ifPresent(builder::prefix);
    return builder.build();
  }
}
