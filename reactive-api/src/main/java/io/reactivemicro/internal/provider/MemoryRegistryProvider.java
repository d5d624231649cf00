package io.reactivemicro.internal.provider;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.spi.RegistryProvider;

/** Provides {@code memory}: the JVM-wide {@link Registry#shared()}. */
public final class MemoryRegistryProvider implements RegistryProvider {

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Registry create(Settings settings) {
    return Registry.shared();
  }
}
