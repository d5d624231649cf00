package io.reactivemicro.store.postgres.internal;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.store.Store;
import io.reactivemicro.store.postgres.PostgresStore;
import io.reactivemicro.store.spi.StoreProvider;
import java.util.List;

/**
 * Provides {@code postgres} ({@code MICRO_STORE=postgres}): a {@link PostgresStore} on
 * {@code store_address}, by default {@value #DEFAULT_ADDRESS}. The address is an R2DBC URL
 * ({@code r2dbc:postgresql://user:password@host:5432/database}), a PostgreSQL URL as Go Micro takes
 * ({@code postgresql://user@host:5432/database?sslmode=disable}, also for CockroachDB on port 26257) or
 * {@code host:port} (user {@code postgres}, database {@code postgres}). {@code store_database} and
 * {@code store_table} set its default namespace.
 */
public final class PostgresStoreProvider implements StoreProvider {

  /** The server of a store whose settings name none. */
  public static final String DEFAULT_ADDRESS = "r2dbc:postgresql://postgres@127.0.0.1:5432/postgres";

  @Override
  public String name() {
    return "postgres";
  }

  @Override
  public Store create(Settings settings) {
    List<String> addresses = settings.addresses("store");
    return PostgresStore.builder(addresses.isEmpty() ? DEFAULT_ADDRESS : String.join(",", addresses))
        .database(settings.get("store_database").orElse(Store.DEFAULT_DATABASE))
        .table(settings.get("store_table").orElse(Store.DEFAULT_TABLE))
        .build();
  }
}
