package io.reactivemicro.sync.etcd;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.sync.Sync;
import io.reactivemicro.sync.spi.SyncProvider;

/**
 * Provides {@code etcd}: {@code MICRO_SYNC=etcd}, on the addresses of {@code MICRO_SYNC_ADDRESS}
 * ({@value EtcdSync#DEFAULT_ADDRESS} when unset), under the key prefix of {@code MICRO_SYNC_PREFIX}
 * ({@value EtcdSync#DEFAULT_PREFIX} when unset).
 */
public final class EtcdSyncProvider implements SyncProvider {

  @Override
  public String name() {
    return "etcd";
  }

  @Override
  public Sync create(Settings settings) {
    EtcdSync.Builder builder = EtcdSync.builder();
    if (!settings.addresses("sync").isEmpty()) {
      builder.addresses(settings.addresses("sync"));
    }
    settings.get("sync_prefix").ifPresent(builder::prefix);
    return builder.build();
  }
}
