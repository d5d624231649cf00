/** An embedded, persistent event log on local disk (H2 MVStore): MICRO_STREAM=log. */
module io.reactivemicro.stream.log {
  requires transitive io.reactivemicro.api;
  requires com.h2database.mvstore;

  exports io.reactivemicro.stream.log;

  provides io.reactivemicro.stream.spi.StreamProvider with
      io.reactivemicro.stream.log.internal.LogStreamProvider;
}
