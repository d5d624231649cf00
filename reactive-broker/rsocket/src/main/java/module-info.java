/** A broker that needs no infrastructure: subscribers register in the registry and publishers send to them over RSocket. */
module io.reactivemicro.broker.rsocket {
  requires transitive io.reactivemicro.api;
  requires io.reactivemicro.rsocket;
  requires rsocket.core;

  exports io.reactivemicro.broker.rsocket;

  provides io.reactivemicro.broker.spi.BrokerProvider with
      io.reactivemicro.broker.rsocket.internal.RSocketBrokerProvider;
}
