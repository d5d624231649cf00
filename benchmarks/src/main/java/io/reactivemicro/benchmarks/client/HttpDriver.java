package io.reactivemicro.benchmarks.client;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.reactivemicro.benchmarks.Payloads;
import java.time.Duration;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Reactor Netty's HTTP/1.1 client: {@code POST /} with the request as the body, the JSON content type and
 * the {@code Micro-Endpoint} header, which our server routes by and the plain Reactor Netty server
 * ignores, so both receive the same bytes. HTTP/1.1 has one call in flight per connection, so the pool
 * holds as many keep-alive connections as calls in flight.
 */
public final class HttpDriver implements Driver {

  private final ConnectionProvider pool;
  private final HttpClient client;

  /**
   * Connects to a server.
   *
   * @param port the server's port on 127.0.0.1
   * @param connections the size of the connection pool
   */
  public HttpDriver(int port, int connections) {
    this.pool = ConnectionProvider.builder("bench").maxConnections(connections).pendingAcquireMaxCount(-1)
        .pendingAcquireTimeout(Duration.ofSeconds(30)).build();
    this.client = HttpClient.create(pool)
        .host("127.0.0.1")
        .port(port)
        .headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json").set("Micro-Endpoint", Payloads.ECHO));
    byte[] response = post().block(Duration.ofSeconds(10));
    Payloads.checkEcho("http", response);
  }

  private Mono<byte[]> post() {
    return client.post()
        .uri("/")
        .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(Payloads.REQUEST)))
        .responseSingle((response, body) -> response.status().code() == 200
            ? body.asByteArray()
            : Mono.error(new IllegalStateException("HTTP " + response.status())));
  }

  @Override
  public void call(Done done) {
    post().subscribe(Subscribers.call(done));
  }

  @Override
  public Disposable stream(Messages messages) {
    throw new UnsupportedOperationException("HTTP takes part in request-response only");
  }

  @Override
  public Channel channel(ChannelEvents events) {
    throw new UnsupportedOperationException("HTTP takes part in request-response only");
  }

  @Override
  public Disposable open(Messages messages) {
    throw new UnsupportedOperationException("HTTP takes part in request-response only");
  }

  @Override
  public void close() {
    pool.disposeLater().block(Duration.ofSeconds(5));
  }
}
