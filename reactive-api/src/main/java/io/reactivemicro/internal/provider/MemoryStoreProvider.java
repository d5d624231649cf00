package io.reactivemicro.internal.provider;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.store.MemoryStore;
import io.reactivemicro.store.Store;
import io.reactivemicro.store.spi.StoreProvider;

/**
 * Provides {@code memory}: a view of the JVM-wide in-memory store, so that everything in one JVM that
 * chooses it shares its records, namespaced by {@code store_database} and {@code store_table}.
 */
public final class MemoryStoreProvider implements StoreProvider {

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Store create(Settings settings) {
    return MemoryStore.shared().scoped(settings.get("store_database").orElse(Store.DEFAULT_DATABASE),
        settings.get("store_table").orElse(Store.DEFAULT_TABLE));
  }
}
