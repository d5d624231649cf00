/** Locks and leader election on Redis through Lettuce's reactive API (MICRO_SYNC=redis). */
module io.reactivemicro.sync.redis {
  requires transitive io.reactivemicro.api;
  requires lettuce.core;

  exports io.reactivemicro.sync.redis;

  provides io.reactivemicro.sync.spi.SyncProvider with
      io.reactivemicro.sync.redis.internal.RedisSyncProvider;
}
