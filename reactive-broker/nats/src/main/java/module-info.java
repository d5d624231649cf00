/** Publish/subscribe over NATS core subjects, with queue groups (jnats). */
module io.reactivemicro.broker.nats {
  requires transitive io.reactivemicro.api;
  requires io.nats.jnats;

  exports io.reactivemicro.broker.nats;

  provides io.reactivemicro.broker.spi.BrokerProvider with
      io.reactivemicro.broker.nats.internal.NatsBrokerProvider;
}
