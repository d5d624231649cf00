package io.reactivemicro.sync;

import io.reactivemicro.plugin.Provider;

/**
 * The plugin interface of syncs: {@code MICRO_SYNC=<name>} (or {@code --sync=<name>}) picks the provider
 * with that name, listed in {@code META-INF/services/io.reactivemicro.sync.SyncProvider}.
 * {@code MICRO_SYNC_ADDRESS} gives its addresses.
 */
public interface SyncProvider extends Provider<Sync> {}
