/** Locks and leader election on etcd leases through jetcd (MICRO_SYNC=etcd). */
module io.reactivemicro.sync.etcd {
  requires transitive io.reactivemicro.api;
  requires jetcd.core;
  requires jetcd.common;

  exports io.reactivemicro.sync.etcd;

  provides io.reactivemicro.sync.spi.SyncProvider with
      io.reactivemicro.sync.etcd.internal.EtcdSyncProvider;
}
