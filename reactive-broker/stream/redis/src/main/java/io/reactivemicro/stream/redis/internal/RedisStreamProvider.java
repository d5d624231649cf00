package io.reactivemicro.stream.redis.internal;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.stream.Stream;
import io.reactivemicro.stream.redis.RedisStream;
import io.reactivemicro.stream.spi.StreamProvider;
import java.util.List;

/**
 * Provides {@code redis}: a {@link RedisStream} on the Redis server {@code stream_address} names
 * ({@code MICRO_STREAM_ADDRESS=10.0.0.1:6379} or a {@code redis://} URI), {@code 127.0.0.1:6379} by
 * default; {@code stream_redis_prefix} sets the key prefix ({@code micro:stream:} by default). Redis
 * backends created from settings for the same server share one Lettuce client, shut down when the last of
 * them closes.
 */
public final class RedisStreamProvider implements StreamProvider {

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public Stream create(Settings settings) {
    List<String> addresses = settings.addresses("stream");
    RedisStream.Builder builder = RedisStream.sharedClientBuilder(addresses.isEmpty() ? "127.0.0.1:6379" : addresses.get(0));
    settings.get("stream_redis_prefix").ifPresent(builder::keyPrefix);
    return builder.build();
  }
}
