package io.reactivemicro.registry.spi;

import io.reactivemicro.plugin.spi.Provider;
import io.reactivemicro.registry.Registry;

/**
 * The plugin interface of registries: {@code MICRO_REGISTRY=<name>} (or {@code --registry=<name>}) picks
 * the provider with that name, listed in {@code META-INF/services/io.reactivemicro.registry.spi.RegistryProvider}.
 * {@code MICRO_REGISTRY_ADDRESS} gives its addresses.
 */
public interface RegistryProvider extends Provider<Registry> {}
