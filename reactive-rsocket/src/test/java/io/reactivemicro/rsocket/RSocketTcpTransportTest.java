package io.reactivemicro.rsocket;

import io.reactivemicro.test.transport.TransportContract;
import io.reactivemicro.transport.spi.ClientTransport;
import io.reactivemicro.transport.spi.ServerTransport;
import io.reactivemicro.transport.TransportOptions;

/** The transport contract over RSocket over TCP: the server's shared port, the client of this module. */
class RSocketTcpTransportTest extends TransportContract {

  @Override
  protected ServerTransport serverTransport(TransportOptions options) {
    return new RSocketTransport().server(options);
  }

  @Override
  protected ClientTransport clientTransport(TransportOptions options) {
    return new RSocketTransport().client(options);
  }
}
