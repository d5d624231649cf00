package io.reactivemicro.rsocket;

import io.reactivemicro.test.transport.TransportContract;
import io.reactivemicro.transport.spi.ClientTransport;
import io.reactivemicro.transport.spi.ServerTransport;
import io.reactivemicro.transport.TransportOptions;

/**
 * The transport contract over RSocket over WebSocket: the server's shared port, which serves it on
 * {@code /rsocket}, and a client over rsocket-java's WebSocket transport ({@link WebSocketClientTransport}).
 */
class RSocketWebSocketTransportTest extends TransportContract {

  @Override
  protected ServerTransport serverTransport(TransportOptions options) {
    return new RSocketTransport().server(options);
  }

  @Override
  protected ClientTransport clientTransport(TransportOptions options) {
    return new WebSocketClientTransport(options);
  }
}
