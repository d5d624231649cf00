/** The etcd registry: etcd, through jetcd: a lease per node, a prefix watch for changes. */
module io.reactivemicro.registry.etcd {
  requires transitive io.reactivemicro.api;
  requires jetcd.core;
  requires jetcd.common;

  exports io.reactivemicro.registry.etcd;

  provides io.reactivemicro.registry.spi.RegistryProvider with
      io.reactivemicro.registry.etcd.internal.EtcdRegistryProvider;
}
