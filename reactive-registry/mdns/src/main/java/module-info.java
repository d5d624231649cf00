/** Zero-configuration discovery on the local network over multicast DNS (RFC 6762) and DNS-SD records. */
module io.reactivemicro.registry.mdns {
  requires transitive io.reactivemicro.api;

  exports io.reactivemicro.registry.mdns;

  provides io.reactivemicro.registry.spi.RegistryProvider with
      io.reactivemicro.registry.mdns.internal.MdnsRegistryProvider;
}
