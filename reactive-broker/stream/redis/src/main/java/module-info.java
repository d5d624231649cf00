/** Durable event streams on Redis Streams: MICRO_STREAM=jetstream. */
module io.reactivemicro.stream.redis {
  requires transitive io.reactivemicro.api;
  requires lettuce.core;

  exports io.reactivemicro.stream.redis;

  provides io.reactivemicro.stream.spi.StreamProvider with
      io.reactivemicro.stream.redis.internal.RedisStreamProvider;
}
