package io.reactivemicro.registry.mdns.internal;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.mdns.MdnsRegistry;
import io.reactivemicro.registry.spi.RegistryProvider;

/**
 * Provides {@code mdns} ({@code MICRO_REGISTRY=mdns}, {@code --registry=mdns}): a new {@link MdnsRegistry}
 * on the interface {@code registry_interface} names ({@code MICRO_REGISTRY_INTERFACE},
 * {@code --registry_interface}, an interface name or address), else on the default interface.
 * {@code registry_address} is not used: mDNS needs no server.
 */
public final class MdnsRegistryProvider implements RegistryProvider {

  /** The setting that names the network interface. */
  public static final String INTERFACE_SETTING = "registry_interface";

  @Override
  public String name() {
    return "mdns";
  }

  @Override
  public Registry create(Settings settings) {
    return MdnsRegistry.builder().networkInterface(settings.get(INTERFACE_SETTING).orElse(null)).build();
  }
}
