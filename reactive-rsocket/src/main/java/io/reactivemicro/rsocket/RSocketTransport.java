package io.reactivemicro.rsocket;

import io.reactivemicro.rsocket.internal.MicroServerTransport;
import io.reactivemicro.rsocket.internal.RSocketClientTransport;
import io.reactivemicro.transport.spi.ClientTransport;
import io.reactivemicro.transport.spi.ServerTransport;
import io.reactivemicro.transport.spi.Transport;
import io.reactivemicro.transport.TransportOptions;

/**
 * The RSocket transport, found by {@link java.util.ServiceLoader}: having {@code reactive-rsocket} on the
 * classpath is all a service needs.
 *
 * <p>The server speaks, on one port: RSocket over TCP, RSocket over WebSocket on {@code /rsocket}, and
 * HTTP/1.1 ({@code POST /} with a {@code Micro-Endpoint} header). RSocket requests carry composite
 * metadata: the routing extension names the endpoint, the per-stream mime extension overrides the data
 * mime type of SETUP, the bearer authentication extension carries a token, and an
 * {@code application/x.micro.headers+json} entry carries other headers. Errors travel as Go Micro's error
 * JSON in {@code APPLICATION_ERROR} frames. Payloads larger than the fragment size are fragmented.
 *
 * <pre>{@code
 * Transport transport = new RSocketTransport();
 * Listener listener = transport.server(TransportOptions.defaults()).bind(":8080", router).block();
 * }</pre>
 */
public final class RSocketTransport implements Transport {

  /** Creates the transport; {@link java.util.ServiceLoader} calls this. */
  public RSocketTransport() {}

  @Override
  public String name() {
    return "rsocket";
  }

  @Override
  public ServerTransport server(TransportOptions options) {
    return new MicroServerTransport(options);
  }

  @Override
  public ClientTransport client(TransportOptions options) {
    return new RSocketClientTransport(options);
  }
}
