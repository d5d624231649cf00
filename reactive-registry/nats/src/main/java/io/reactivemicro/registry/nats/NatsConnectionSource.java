package io.reactivemicro.registry.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
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
 * backend made is closed, a connection it was given is left open.
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
  private static final class Lazy {
    private final Options options;
    // Guarded by this.
    private @Nullable CompletableFuture<Connection> attempt;
    private @Nullable Connection opened;
    private boolean closed;

    Lazy(Options options) {
      this.options = options;
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
