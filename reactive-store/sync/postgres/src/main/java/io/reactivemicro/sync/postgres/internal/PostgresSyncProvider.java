package io.reactivemicro.sync.postgres.internal;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.sync.Sync;
import io.reactivemicro.sync.postgres.PostgresSync;
import io.reactivemicro.sync.spi.SyncProvider;

/**
 * Provides {@code postgres}: {@code MICRO_SYNC=postgres}, with {@code MICRO_SYNC_ADDRESS} (default
 * {@code 127.0.0.1:5432}; {@code postgres://user:password@host:port/database} and
 * {@code r2dbc:postgresql://...} URLs are accepted too), {@code MICRO_SYNC_DATABASE} (default
 * {@code postgres}, for a {@code host:port} address) and {@code MICRO_SYNC_TABLE} (default
 * {@code micro_sync_leases}).
 */
public final class PostgresSyncProvider implements SyncProvider {

  @Override
  public String name() {
    return "postgres";
  }

  @Override
  public Sync create(Settings settings) {
    String address = settings.addresses("sync").stream().findFirst().orElse(PostgresSync.DEFAULT_ADDRESS);
    return PostgresSync.builder(address)
        .database(settings.get("sync_database").orElse(PostgresSync.DEFAULT_DATABASE))
        .table(settings.get("sync_table").orElse(PostgresSync.DEFAULT_TABLE))
        .build();
  }
}
