/** The store on Redis through Lettuce's reactive API (MICRO_STORE=redis). */
module io.reactivemicro.store.redis {
  requires transitive io.reactivemicro.api;
  requires lettuce.core;

  exports io.reactivemicro.store.redis;

  provides io.reactivemicro.store.spi.StoreProvider with
      io.reactivemicro.store.redis.internal.RedisStoreProvider;
}
