package io.reactivemicro.store.spi;

import io.reactivemicro.plugin.spi.Provider;
import io.reactivemicro.store.Store;

/**
 * The plugin interface of stores: {@code MICRO_STORE=<name>} (or {@code --store=<name>}) picks the provider
 * with that name, listed in {@code META-INF/services/io.reactivemicro.store.spi.StoreProvider}.
 * {@code MICRO_STORE_ADDRESS} gives the backend's address, {@code MICRO_STORE_DATABASE} and
 * {@code MICRO_STORE_TABLE} the default namespace of the store created.
 */
public interface StoreProvider extends Provider<Store> {}
