/** The embedded, persistent store: one H2 MVStore file in a local directory (MICRO_STORE=file). */
module io.reactivemicro.store.file {
  requires transitive io.reactivemicro.api;
  requires com.h2database.mvstore;

  exports io.reactivemicro.store.file;

  provides io.reactivemicro.store.spi.StoreProvider with
      io.reactivemicro.store.file.internal.FileStoreProvider;
}
