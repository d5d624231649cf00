package io.reactivemicro.registry.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.reactivemicro.plugin.spi.ClientSource;
import io.reactivemicro.plugin.spi.LazyConnection;
import io.reactivemicro.plugin.spi.ServerAddresses;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * A backend's jnats connection ({@link ClientSource}: its own, shared or given), made on first use by a
 * {@link LazyConnection}. Each backend keeps a dispatcher of its own on it.
 */
final class NatsConnectionSource {

  private final ClientSource<LazyConnection<Connection>> source;

  private NatsConnectionSource(ClientSource<LazyConnection<Connection>> source) {
    this.source = source;
  }

  /** Returns a source that connects with {@code options} on first use and closes the connection on release. */
  static NatsConnectionSource own(Options options) {
    return new NatsConnectionSource(ClientSource.own(lazy(options), LazyConnection::close,
        options.getServers().toString()));
  }

  /**
   * Returns a source on the connection every NATS backend created from settings for the same servers
   * shares in this JVM, whichever NATS plugins are present: made on first use, reconnecting for ever every
   * half second, closed by the last backend to release it.
   */
  static NatsConnectionSource shared(List<String> servers) {
    return new NatsConnectionSource(ClientSource.shared(sharedKey(servers), () -> lazy(new Options.Builder()
            .servers(servers.toArray(String[]::new))
            .connectionTimeout(Duration.ofSeconds(5))
            .maxReconnects(-1)
            .reconnectWait(Duration.ofMillis(500))
            .connectionName("reactive-micro")
            .build()),
        LazyConnection::close, servers.toString()));
  }

  /** Returns a source on a connection the application owns, left open on release. */
  static NatsConnectionSource given(Connection connection) {
    Objects.requireNonNull(connection, "connection");
    return new NatsConnectionSource(ClientSource.given(
        LazyConnection.of("NATS", () -> connection, c -> { }), "the given connection"));
  }

  /** Returns the key of the shared connection of a list of servers, spelt the same way by every NATS plugin. */
  static String sharedKey(List<String> servers) {
    return "jnats " + servers;
  }

  /**
   * Checks server addresses, {@code host:port} or {@code nats://host:port}, at least one, and turns them
   * into URLs.
   *
   * @throws NullPointerException when the list or an address is null
   * @throws IllegalArgumentException when the list is empty or an address is blank
   */
  static List<String> servers(List<String> addresses) {
    return ServerAddresses.urls(addresses, "nats", "NATS");
  }

  /** Returns the connection, made by the first subscription; a failed attempt is tried again by the next. */
  Mono<Connection> connection() {
    return source.client().get();
  }

  /** Releases the connection once, as {@link ClientSource#release()} says. */
  Mono<Void> release() {
    return source.release();
  }

  /** Describes the servers, for error messages. */
  String describe() {
    return source.describe();
  }

  private static LazyConnection<Connection> lazy(Options options) {
    return LazyConnection.of("NATS", () -> Nats.connect(options), Connection::close);
  }
}
