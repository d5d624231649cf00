/** The nats registry: NATS, through jnats: nodes answer queries on a subject, as Go Micro's NATS registry does. */
module io.reactivemicro.registry.nats {
  requires transitive io.reactivemicro.api;
  requires io.nats.jnats;

  exports io.reactivemicro.registry.nats;

  provides io.reactivemicro.registry.spi.RegistryProvider with
      io.reactivemicro.registry.nats.internal.NatsRegistryProvider;
}
