package io.reactivemicro.store.redis.internal;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.store.Store;
import io.reactivemicro.store.redis.RedisStore;
import io.reactivemicro.store.spi.StoreProvider;
import java.util.List;

/**
 * Provides {@code redis} ({@code MICRO_STORE=redis}): a {@link RedisStore} on {@code store_address}, a
 * Redis URI ({@code redis://[password@]host:port/db}, {@code rediss://} for TLS) or {@code host:port}, by
 * default {@code 127.0.0.1:6379}; only the first address is used. {@code store_database} and
 * {@code store_table} set its default namespace. Redis backends created from settings for the same server
 * share one Lettuce client, shut down when the last of them closes.
 */
public final class RedisStoreProvider implements StoreProvider {

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public Store create(Settings settings) {
    List<String> addresses = settings.addresses("store");
    return RedisStore.sharedClientBuilder(addresses.isEmpty() ? "127.0.0.1:6379" : addresses.get(0))
        .database(settings.get("store_database").orElse(Store.DEFAULT_DATABASE))
        .table(settings.get("store_table").orElse(Store.DEFAULT_TABLE))
        .build();
  }

}
