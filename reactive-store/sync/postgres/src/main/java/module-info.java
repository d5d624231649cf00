/** Locks and leader election on lease rows in PostgreSQL or CockroachDB through R2DBC (MICRO_SYNC=postgres). */
module io.reactivemicro.sync.postgres {
  requires transitive io.reactivemicro.api;
  requires r2dbc.postgresql;
  requires r2dbc.pool;
  requires r2dbc.spi;

  exports io.reactivemicro.sync.postgres;

  provides io.reactivemicro.sync.spi.SyncProvider with
      io.reactivemicro.sync.postgres.internal.PostgresSyncProvider;
}
