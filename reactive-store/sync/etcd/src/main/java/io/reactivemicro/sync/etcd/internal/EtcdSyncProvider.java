package io.reactivemicro.sync.etcd.internal;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.sync.Sync;
import io.reactivemicro.sync.etcd.EtcdSync;
import io.reactivemicro.sync.spi.SyncProvider;
import java.util.List;

/**
 * Provides {@code etcd}: {@code MICRO_SYNC=etcd}, on the addresses of {@code MICRO_SYNC_ADDRESS}
 * ({@value EtcdSync#DEFAULT_ADDRESS} when unset), under the key prefix of {@code MICRO_SYNC_PREFIX}
 * ({@value EtcdSync#DEFAULT_PREFIX} when unset). etcd backends created from settings for the same endpoints
 * share one jetcd client, closed when the last of them closes.
 */
public final class EtcdSyncProvider implements SyncProvider {

  @Override
  public String name() {
    return "etcd";
  }

  @Override
  public Sync create(Settings settings) {
    List<String> addresses = settings.addresses("sync");
    EtcdSync.Builder builder =
        EtcdSync.sharedClientBuilder(addresses.isEmpty() ? List.of(EtcdSync.DEFAULT_ADDRESS) : addresses);
    settings.get("sync_prefix").ifPresent(builder::prefix);
    return builder.build();
  }
}
