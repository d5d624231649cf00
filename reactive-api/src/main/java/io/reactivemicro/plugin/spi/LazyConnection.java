package io.reactivemicro.plugin.spi;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A connection of a client library whose connect call blocks, made by the first subscription on
 * {@link Schedulers#boundedElastic()} and shared by the later ones, so that building a backend sends
 * nothing and no event loop waits for a server. A failed attempt is forgotten: the next subscription
 * tries again. Once closed, subscriptions fail, and a connection that an attempt still running makes is
 * closed as it arrives.
 *
 * <pre>{@code
 * LazyConnection<Connection> nats = LazyConnection.of("NATS", () -> Nats.connect(options), Connection::close);
 * nats.get().flatMap(connection -> ...);
 * // ... and when done:
 * nats.close().subscribe();
 * }</pre>
 *
 * @param <C> the type of the connection
 */
public final class LazyConnection<C> {

  /** Closes a connection, blocking if it must: it is called on {@link Schedulers#boundedElastic()}. */
  @FunctionalInterface
  public interface Closer<C> {
    /**
     * Closes the connection.
     *
     * @param connection the connection
     * @throws Exception when closing fails; the failure is reported by {@link #close()}
     */
    void close(C connection) throws Exception;
  }

  private final String what;
  private final Callable<C> connect;
  private final Closer<? super C> closer;
  // Guarded by this.
  private @Nullable CompletableFuture<C> attempt;
  private @Nullable C opened;
  private boolean closed;

  private LazyConnection(String what, Callable<C> connect, Closer<? super C> closer) {
    this.what = what;
    this.connect = connect;
    this.closer = closer;
  }

  /**
   * Returns a connection made on first use.
   *
   * @param what names the server, for error messages, such as {@code NATS}
   * @param connect makes the connection; it may block
   * @param closer closes it; it may block
   * @param <C> the type of the connection
   * @return the connection, not yet made
   */
  public static <C> LazyConnection<C> of(String what, Callable<C> connect, Closer<? super C> closer) {
    return new LazyConnection<>(Objects.requireNonNull(what, "what"), Objects.requireNonNull(connect, "connect"),
        Objects.requireNonNull(closer, "closer"));
  }

  /**
   * Returns the connection: made by the first subscription, the same one for the later subscriptions. A
   * subscriber that cancels does not interrupt an attempt, which would leave a client library half
   * connected.
   *
   * @return a {@code Mono} of the connection, that fails when the attempt fails or this was closed
   */
  public Mono<C> get() {
    return Mono.defer(() -> {
      CompletableFuture<C> current;
      synchronized (this) {
        if (closed) {
          return Mono.error(closedError());
        }
        if (attempt == null || attempt.isCompletedExceptionally()) {
          CompletableFuture<C> fresh = new CompletableFuture<>();
          attempt = fresh;
          Schedulers.boundedElastic().schedule(() -> connect(fresh));
        }
        current = attempt;
      }
      return Mono.fromFuture(current, true);
    });
  }

  /**
   * Closes the connection, on subscription, on {@link Schedulers#boundedElastic()}; later subscriptions
   * to {@link #get()} fail.
   *
   * @return a {@code Mono} that completes once the connection, if one was made, is closed
   */
  public Mono<Void> close() {
    return Mono.<Void>fromCallable(() -> {
      C open;
      synchronized (this) {
        closed = true;
        open = opened;
        opened = null;
      }
      if (open != null) {
        closer.close(open);
      }
      return null;
    }).subscribeOn(Schedulers.boundedElastic());
  }

  private void connect(CompletableFuture<C> result) {
    C made;
    try {
      made = Objects.requireNonNull(connect.call(), "the connection");
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
    IllegalStateException error = closedError();
    try {
      closer.close(made);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      error.addSuppressed(e);
    }
    result.completeExceptionally(error);
  }

  private IllegalStateException closedError() {
    return new IllegalStateException("the connection to " + what + " is closed");
  }

  @Override
  public synchronized String toString() {
    return "LazyConnection[" + what + (closed ? ", closed]" : opened != null ? ", open]" : "]");
  }
}
