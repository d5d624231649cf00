package io.reactivemicro.broker.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.reactivemicro.plugin.spi.SharedClients;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Where a backend's jnats connection comes from, and what closing the backend does to it: a connection the
 * backend made is closed, a connection it was given is left open, and a connection shared by the backends
 * created from settings is released, and closed by the last of them.
 */
final class NatsConnectionSource {

  private final Mono<Connection> connection;
  private final Supplier<Mono<Void>> release;
  private final String description;
  private final AtomicBoolean released = new AtomicBoolean();

  private NatsConnectionSource(Mono<Connection> connection, Supplier<Mono<Void>> release, String description) {
    this.connection = connection;
    this.release = release;
    this.description = description;
  }

  /**
   * Returns a source that connects with {@code options} on first use, on {@link Schedulers#boundedElastic()},
   * and closes the connection on release.
   */
  static NatsConnectionSource own(Options options) {
    Lazy lazy = new Lazy(options);
    return new NatsConnectionSource(lazy.connection(), lazy::close, options.getServers().toString());
  }

  /**
   * Returns a source on the connection that every NATS backend created from settings for the same servers
   * shares in this JVM (the registry, the broker and the JetStream stream, whichever plugins are present):
   * made on first use, reconnecting for ever every half second, closed by the last backend to release it.
   * Each backend keeps a dispatcher of its own on it.
   */
  static NatsConnectionSource shared(List<String> servers) {
    SharedClients.Lease<Supplier<Mono<Connection>>> lease = SharedClients.acquire(sharedKey(servers),
        () -> new Lazy(new Options.Builder()
            .servers(servers.toArray(String[]::new))
            .connectionTimeout(Duration.ofSeconds(5))
            .maxReconnects(-1)
            .reconnectWait(Duration.ofMillis(500))
            .connectionName("reactive-micro")
            .build()),
        lazy -> ((Lazy) lazy).close());
    return new NatsConnectionSource(Mono.defer(() -> lease.client().get()), lease::release, servers.toString());
  }

  /**
   * Returns the key of the shared connection of a list of servers, spelt the same way by every NATS plugin;
   * the connection stored under it is a {@code Supplier<Mono<Connection>>}, a type every plugin knows.
   */
  static String sharedKey(List<String> servers) {
    return "jnats " + servers;
  }

  /** Returns a source on a connection the application owns, left open on release. */
  static NatsConnectionSource given(Connection connection) {
    Objects.requireNonNull(connection, "connection");
    return new NatsConnectionSource(Mono.just(connection), Mono::empty, "the given connection");
  }

  /**
   * Checks server addresses and turns them into URLs.
   *
   * @param addresses {@code host:port} or {@code nats://host:port}, at least one
   * @return the URLs, in order
   * @throws NullPointerException when the list or an address is null
   * @throws IllegalArgumentException when the list is empty or an address is blank
   */
  static List<String> servers(List<String> addresses) {
    Objects.requireNonNull(addresses, "addresses");
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("at least one NATS address is needed");
    }
    return addresses.stream().map(address -> {
      String trimmed = Objects.requireNonNull(address, "address").trim();
      if (trimmed.isEmpty()) {
        throw new IllegalArgumentException("a NATS address must not be blank: " + addresses);
      }
      return trimmed.contains("://") ? trimmed : "nats://" + trimmed;
    }).toList();
  }

  /**
   * Returns the connection, connecting on {@link Schedulers#boundedElastic()} when the source makes it;
   * a failed attempt is forgotten, so the next subscription tries again.
   */
  Mono<Connection> connection() {
    return connection;
  }

  /** Releases the connection once: closes it when the source made it, else does nothing. */
  Mono<Void> release() {
    return Mono.defer(() -> released.compareAndSet(false, true) ? release.get() : Mono.empty());
  }

  /** Describes the servers, for error messages. */
  String describe() {
    return description;
  }

  /** A connection made by the first subscription, closed by {@link #close()}. */
  private static final class Lazy implements Supplier<Mono<Connection>> {
    private final Options options;
    // Guarded by this.
    private @Nullable CompletableFuture<Connection> attempt;
    private @Nullable Connection opened;
    private boolean closed;

    Lazy(Options options) {
      this.options = options;
    }

    @Override
    public Mono<Connection> get() {
      return connection();
    }

    Mono<Connection> connection() {
      return Mono.defer(() -> {
        CompletableFuture<Connection> current;
        synchronized (this) {
          if (closed) {
            return Mono.error(new IllegalStateException("the connection to NATS is closed"));
          }
          if (attempt == null || attempt.isCompletedExceptionally()) {
            CompletableFuture<Connection> fresh = new CompletableFuture<>();
            attempt = fresh;
            Schedulers.boundedElastic().schedule(() -> connect(fresh));
          }
          current = attempt;
        }
        // A subscriber that gives up does not interrupt the attempt, which would leave jnats half connected.
        return Mono.fromFuture(current, true);
      });
    }

    private void connect(CompletableFuture<Connection> result) {
      Connection made;
      try {
        made = Nats.connect(options);
      } catch (Throwable e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        result.completeExceptionally(e);
        return;
      }
      boolean keep;
      synchronized (this) {
        keep = !closed;
        if (keep) {
          opened = made;
        }
      }
      if (keep) {
        result.complete(made);
        return;
      }
      close(made);
      result.completeExceptionally(new IllegalStateException("the connection to NATS is closed"));
    }

    Mono<Void> close() {
      return Mono.<Void>fromRunnable(() -> {
        Connection open;
        synchronized (this) {
          closed = true;
          open = opened;
          opened = null;
        }
        if (open != null) {
          close(open);
        }
      }).subscribeOn(Schedulers.boundedElastic());
    }

    private static void close(Connection connection) {
      try {
        connection.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
