package io.reactivemicro.plugin.spi;

import io.reactivemicro.plugin.Settings;

/**
 * A backend found through {@link java.util.ServiceLoader}: the plugin interface of each abstraction
 * (such as {@link io.reactivemicro.registry.spi.RegistryProvider}) extends this one, and a plugin jar lists
 * its implementation in {@code META-INF/services/<that interface>}.
 *
 * @param <T> what the provider creates, such as a {@code Registry}
 */
public interface Provider<T> {

  /**
   * Returns the name users choose the backend by, such as {@code etcd} in {@code MICRO_REGISTRY=etcd}.
   */
  String name();

  /**
   * Creates the backend. Creating must not block on the network: connections are made lazily or
   * asynchronously, and failures surface in the {@code Mono}/{@code Flux} of the first operation.
   *
   * @param settings every setting; a provider reads its own, such as {@code settings.addresses("registry")}
   * @return the backend
   * @throws IllegalArgumentException when a setting is invalid
   */
  T create(Settings settings);
}
