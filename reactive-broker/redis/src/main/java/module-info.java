/** Publish/subscribe over Redis pub/sub, with Redis lists for queue groups (lettuce). */
module io.reactivemicro.broker.redis {
  requires transitive io.reactivemicro.api;
  requires lettuce.core;

  exports io.reactivemicro.broker.redis;

  provides io.reactivemicro.broker.spi.BrokerProvider with
      io.reactivemicro.broker.redis.internal.RedisBrokerProvider;
}
