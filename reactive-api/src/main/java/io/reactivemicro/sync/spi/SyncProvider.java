package io.reactivemicro.sync.spi;

import io.reactivemicro.plugin.spi.Provider;
import io.reactivemicro.sync.Sync;

/**
 * The plugin interface of syncs: {@code MICRO_SYNC=<name>} (or {@code --sync=<name>}) picks the provider
 * with that name, listed in {@code META-INF/services/io.reactivemicro.sync.spi.SyncProvider}.
 * {@code MICRO_SYNC_ADDRESS} gives its addresses.
 */
public interface SyncProvider extends Provider<Sync> {}
