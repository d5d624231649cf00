/** Durable event streams on NATS JetStream: MICRO_STREAM=jetstream. */
module io.reactivemicro.stream.jetstream {
  requires transitive io.reactivemicro.api;
  requires io.nats.jnats;

  exports io.reactivemicro.stream.jetstream;

  provides io.reactivemicro.stream.spi.StreamProvider with
      io.reactivemicro.stream.jetstream.internal.JetStreamStreamProvider;
}
