package io.reactivemicro.plugin.spi;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Where a backend's client of a client library comes from, and what closing the backend does to it: a
 * client the backend created is closed, a client the application gave it is left open, and a client
 * {@linkplain SharedClients shared} by the backends created from settings is released, and closed by the
 * last of them. A backend keeps its source and calls {@link #release()} when it closes.
 *
 * <pre>{@code
 * ClientSource<RedisClient> source = ClientSource.shared("lettuce redis://10.0.0.1:6379",
 *     RedisClient::create, client -> Mono.fromCompletionStage(client.shutdownAsync()), "10.0.0.1:6379");
 * RedisClient client = source.client();
 * // ... and when the backend closes:
 * source.release().subscribe();
 * }</pre>
 *
 * @param <C> the type of the client
 */
public final class ClientSource<C> {

  private final C client;
  private final Supplier<Mono<Void>> release;
  private final String description;
  private final AtomicBoolean released = new AtomicBoolean();

  private ClientSource(C client, Supplier<Mono<Void>> release, String description) {
    this.client = client;
    this.release = release;
    this.description = description;
  }

  /**
   * Returns a source on a client the backend created, closed by {@link #release()}.
   *
   * @param client the client
   * @param close closes the client; the returned {@code Mono} completes once it is closed and must not
   *     block the thread that subscribes to it
   * @param description names the server, for error messages
   * @param <C> the type of the client
   * @return the source
   */
  public static <C> ClientSource<C> own(C client, Function<? super C, Mono<Void>> close, String description) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(close, "close");
    return new ClientSource<>(client, () -> close.apply(client), Objects.requireNonNull(description, "description"));
  }

  /**
   * Returns a source on the client shared under {@code key} in this JVM, creating it when no backend holds
   * it; see {@link SharedClients#acquire}.
   *
   * @param key the kind of client and the server, spelt the same way by every plugin that shares it
   * @param create makes the client, under a JVM-wide lock: quick, with no I/O
   * @param close closes the client once no backend holds it
   * @param description names the server, for error messages
   * @param <C> the type of the client
   * @return the source
   * @throws ClassCastException when another plugin stored a client of another type under {@code key}
   */
  public static <C> ClientSource<C> shared(String key, Supplier<? extends C> create,
      Function<? super C, Mono<Void>> close, String description) {
    Objects.requireNonNull(description, "description");
    SharedClients.Lease<C> lease = SharedClients.acquire(key, create, close);
    return new ClientSource<>(lease.client(), lease::release, description);
  }

  /**
   * Returns a source on a client the application owns: {@link #release()} leaves it open.
   *
   * @param client the client
   * @param description names the server, for error messages
   * @param <C> the type of the client
   * @return the source
   */
  public static <C> ClientSource<C> given(C client, String description) {
    Objects.requireNonNull(client, "client");
    return new ClientSource<>(client, Mono::empty, Objects.requireNonNull(description, "description"));
  }

  /**
   * Returns the client; it stays open at least until {@link #release()}.
   *
   * @return the client
   */
  public C client() {
    return client;
  }

  /**
   * Releases the client, on subscription and once: closes it when the backend created it, releases the
   * lease when it is shared, does nothing when the application gave it.
   *
   * @return a {@code Mono} that completes once released
   */
  public Mono<Void> release() {
    return Mono.defer(() -> released.compareAndSet(false, true) ? release.get() : Mono.empty());
  }

  /**
   * Names the server, for error messages.
   *
   * @return the description given when the source was made
   */
  public String describe() {
    return description;
  }

  @Override
  public String toString() {
    return "ClientSource[" + description + (released.get() ? ", released]" : "]");
  }
}
