/** The store on PostgreSQL or CockroachDB through R2DBC (MICRO_STORE=postgres). */
module io.reactivemicro.store.postgres {
  requires transitive io.reactivemicro.api;
  requires r2dbc.postgresql;
  requires r2dbc.pool;
  requires r2dbc.spi;

  exports io.reactivemicro.store.postgres;

  provides io.reactivemicro.store.spi.StoreProvider with
      io.reactivemicro.store.postgres.internal.PostgresStoreProvider;
}
