/** RSocket over TCP and WebSocket, and HTTP/1.1, on one port; the client side with one connection per node. */
module io.reactivemicro.rsocket {
  requires transitive io.reactivemicro.api;
  requires rsocket.core;
  requires rsocket.transport.netty;
  requires reactor.netty.core;
  requires io.netty.codec.http;
  requires io.netty.buffer;
  requires io.netty.common;
  requires io.netty.transport;
  requires io.netty.handler;
  requires io.netty.codec;

  exports io.reactivemicro.rsocket;
  // internal packages are not exported

  provides io.reactivemicro.transport.spi.Transport with
      io.reactivemicro.rsocket.RSocketTransport;
}
