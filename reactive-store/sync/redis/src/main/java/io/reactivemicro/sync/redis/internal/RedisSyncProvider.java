package io.reactivemicro.sync.redis.internal;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.sync.Sync;
import io.reactivemicro.sync.redis.RedisSync;
import io.reactivemicro.sync.spi.SyncProvider;

/**
 * Provides {@code redis}: {@code MICRO_SYNC=redis}, with {@code MICRO_SYNC_ADDRESS} (default
 * {@code 127.0.0.1:6379}; {@code redis://} and {@code rediss://} URIs are accepted too) and
 * {@code MICRO_SYNC_PREFIX} (default {@code micro:sync:}). Redis backends created from settings for the
 * same server share one Lettuce client, shut down when the last of them closes.
 */
public final class RedisSyncProvider implements SyncProvider {

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public Sync create(Settings settings) {
    String address = settings.addresses("sync").stream().findFirst().orElse(RedisSync.DEFAULT_ADDRESS);
    return RedisSync.sharedClientBuilder(address)
        .prefix(settings.get("sync_prefix").orElse(RedisSync.DEFAULT_PREFIX))
        .build();
  }
}
