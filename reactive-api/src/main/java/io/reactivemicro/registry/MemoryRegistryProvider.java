package io.reactivemicro.registry;

import io.reactivemicro.plugin.Settings;

/** Provides {@code memory}: the JVM-wide {@link Registry#defaultRegistry()}. */
public final class MemoryRegistryProvider implements RegistryProvider {

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Registry create(Settings settings) {
    return Registry.defaultRegistry();
  }
}
