package io.reactivemicro.plugin.spi;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * The clients that backends created from settings share in one JVM: one client per key, counted, and
 * closed when the last backend holding it releases it. A provider acquires a {@link Lease} when it creates
 * a backend and the backend releases it when it closes, so that, say, the store, the broker and the sync
 * of a service on the same Redis server run on one Lettuce client.
 *
 * <p>A key names the kind of client and the server, such as {@code lettuce redis://10.0.0.1:6379}; every
 * plugin that shares a kind of client spells its keys the same way and stores the same type under them, a
 * type of the client library or of the JDK, since each plugin has classes of its own.
 *
 * <p>Leases are thread-safe. A client whose last lease is released is forgotten at once and closed
 * asynchronously: a lease acquired meanwhile gets a new client, so a closing client is never handed out.
 *
 * <pre>{@code
 * SharedClients.Lease<RedisClient> lease = SharedClients.acquire("lettuce redis://10.0.0.1:6379",
 *     RedisClient::create, client -> Mono.fromCompletionStage(client.shutdownAsync()));
 * RedisClient client = lease.client();
 * // ... and when the backend closes:
 * lease.release().subscribe();
 * }</pre>
 */
public final class SharedClients {

  // Guarded by itself.
  private static final Map<String, Entry> ENTRIES = new HashMap<>();

  private SharedClients() {}

  /**
   * Returns a lease on the client of {@code key}, creating it with {@code create} when no lease on it is
   * held. The client and {@code close} of the first acquirer are kept: {@code close} is what the last
   * release runs.
   *
   * @param key the kind of client and the server, such as {@code jnats [nats://10.0.0.1:4222]}
   * @param create makes the client; called under a JVM-wide lock, so it must be quick and must not do I/O
   * @param close closes the client, once no lease on it is held; the returned {@code Mono} completes once
   *     closed
   * @param <T> the type of client every plugin stores under {@code key}
   * @return the lease
   * @throws ClassCastException when another plugin stored a client of another type under {@code key}
   */
  public static <T> Lease<T> acquire(String key, Supplier<? extends T> create,
      Function<? super T, Mono<Void>> close) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(create, "create");
    Objects.requireNonNull(close, "close");
    synchronized (ENTRIES) {
      Entry entry = ENTRIES.get(key);
      if (entry == null) {
        T client = Objects.requireNonNull(create.get(), "the created client");
        @SuppressWarnings("unchecked") // the closer is given the client it was created with
        Function<Object, Mono<Void>> closer = c -> close.apply((T) c);
        entry = new Entry(client, closer);
        ENTRIES.put(key, entry);
      }
      entry.references++;
      return new Lease<>(key, entry);
    }
  }

  /**
   * Returns how many leases on the client of {@code key} are held, 0 when there is no such client.
   *
   * @param key the key
   * @return the number of leases held
   */
  public static int references(String key) {
    synchronized (ENTRIES) {
      Entry entry = ENTRIES.get(key);
      return entry == null ? 0 : entry.references;
    }
  }

  /** A shared client and its count of leases. */
  private static final class Entry {
    final Object client;
    final Function<Object, Mono<Void>> close;
    // Guarded by ENTRIES.
    int references;

    Entry(Object client, Function<Object, Mono<Void>> close) {
      this.client = client;
      this.close = close;
    }
  }

  /**
   * One backend's hold on a shared client.
   *
   * @param <T> the type of the client
   */
  public static final class Lease<T> {
    private final String key;
    private final Entry entry;
    private final AtomicBoolean released = new AtomicBoolean();

    private Lease(String key, Entry entry) {
      this.key = key;
      this.entry = entry;
    }

    /**
     * Returns the client; it stays open at least until this lease is released.
     *
     * @return the client
     * @throws ClassCastException when another plugin stored a client of another type under the key
     */
    @SuppressWarnings("unchecked") // every plugin stores one type under a key
    public T client() {
      return (T) entry.client;
    }

    /**
     * Releases this lease, on subscription and only once: later subscriptions complete at once. The last
     * release of a client closes it.
     *
     * @return a {@code Mono} that completes once released, and once the client is closed when this was
     *     its last lease; it fails when closing the client fails
     */
    public Mono<Void> release() {
      return Mono.defer(() -> {
        if (!released.compareAndSet(false, true)) {
          return Mono.empty();
        }
        boolean last;
        synchronized (ENTRIES) {
          last = --entry.references == 0;
          if (last) {
            ENTRIES.remove(key, entry);
          }
        }
        return last ? entry.close.apply(entry.client) : Mono.empty();
      });
    }

    @Override
    public String toString() {
      return "SharedClients.Lease[" + key + (released.get() ? ", released]" : "]");
    }
  }
}
