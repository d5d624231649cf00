package io.reactivemicro.server;

import io.reactivemicro.codec.Codecs;
import io.reactivemicro.registry.EndpointInfo;
import io.reactivemicro.server.spi.Router;
import io.reactivemicro.transport.spi.Transport;
import io.reactivemicro.transport.TransportOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * Serves the endpoints of handler objects on one address, through the transport on the classpath
 * ({@code reactive-rsocket}: RSocket over TCP and WebSocket, and HTTP, on one port).
 *
 * <pre>{@code
 * Server server = Server.builder("helloworld").address(":8080").handler(new Helloworld()).build();
 * server.start().block();
 * }</pre>
 *
 * <h2>Threads and cancellation</h2>
 * A handler method is called, and the publisher it returns subscribed, on the event loop of the
 * caller's connection (a Reactor Netty thread shared with other connections); its signals are written
 * out from there. A handler must not block: BlockHound reports it in tests. Work that blocks (JDBC, a
 * file, a blocking client) belongs on {@code Schedulers.boundedElastic()}
 * ({@code Mono.fromCallable(..).subscribeOn(..)}). A stream's publisher is asked for what the caller
 * requested, no more. It is cancelled when the caller cancels, when the connection closes, and when a
 * graceful {@link #stop(Duration) stop} gives up waiting for it.
 */
public interface Server {

  /**
   * Returns a builder for the server of a service.
   *
   * @param serviceName the service name
   * @return a builder
   */
  static Builder builder(String serviceName) {
    return new Builder(serviceName);
  }

  /** Returns the descriptions of the endpoints served, as the registry publishes them. */
  List<EndpointInfo> endpoints();

  /** Returns how many calls are running now: answers not yet sent, streams not yet ended. */
  int inFlight();

  /** Returns whether the server is stopping: it refuses new calls while those in flight finish. */
  boolean draining();

  /** Returns the address the server listens on once started, or the configured one before. */
  String address();

  /** Binds the address and starts serving. Returns a {@code Mono} that completes once bound. */
  Mono<Void> start();

  /**
   * Stops gracefully: stops accepting connections, refuses new calls, waits up to {@code drainTimeout}
   * for the calls in flight, then closes every connection.
   *
   * @param drainTimeout how long calls in flight may take to finish
   * @return a {@code Mono} that completes once closed
   */
  Mono<Void> stop(Duration drainTimeout);

  /** Builds the default {@link Server}. */
  final class Builder {
    final String serviceName;
    String address = ":0";
    final List<Object> handlers = new ArrayList<>();
    final List<ServerInterceptor> interceptors = new ArrayList<>();
    Codecs codecs = Codecs.defaults();
    TransportOptions transportOptions = TransportOptions.defaults();
    @org.jspecify.annotations.Nullable Transport transport;

    Builder(String serviceName) {
      this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
    }

    /** Sets the address: {@code host:port}, {@code :port} for every interface, port 0 for any free port (the default). */
    public Builder address(String address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /** Adds a handler whose {@code Mono}/{@code Flux} methods become endpoints. */
    public Builder handler(Object handler) {
      handlers.add(Objects.requireNonNull(handler, "handler"));
      return this;
    }

    /** Adds handlers. */
    public Builder handlers(List<?> handlers) {
      handlers.forEach(this::handler);
      return this;
    }

    /** Adds an interceptor; the first added is the outermost. */
    public Builder interceptor(ServerInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** Adds interceptors in order. */
    public Builder interceptors(List<? extends ServerInterceptor> interceptors) {
      interceptors.forEach(this::interceptor);
      return this;
    }

    /** Sets the codecs; {@link Codecs#defaults()} by default. */
    public Builder codecs(Codecs codecs) {
      this.codecs = Objects.requireNonNull(codecs, "codecs");
      return this;
    }

    /** Sets the transport options. */
    public Builder transportOptions(TransportOptions options) {
      this.transportOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Sets the transport; the first one on the classpath by default. */
    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * Builds the server, reflecting on the handlers once.
     *
     * @return the server, not yet started
     * @throws IllegalArgumentException when a handler method cannot be served
     * @throws IllegalStateException when no transport is on the classpath
     */
    public Server build() {
      Router router = Router.builder(serviceName).handlers(handlers).interceptors(interceptors).codecs(codecs).build();
      Transport chosen = transport != null ? transport : Transport.load();
      return new DefaultServer(router, address, chosen.server(transportOptions));
    }
  }
}
