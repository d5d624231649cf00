package io.reactivemicro.sync.etcd;

import io.etcd.jetcd.Client;
import io.reactivemicro.plugin.spi.ClientSource;
import io.reactivemicro.sync.Leadership;
import io.reactivemicro.sync.Lock;
import io.reactivemicro.sync.Sync;
import io.reactivemicro.sync.spi.LeaseSync;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Locks and leader election on etcd, through jetcd.
 *
 * <p>Each grant of a lock is an etcd lease of the lock's TTL (in whole seconds, at least etcd's least lease
 * TTL, about two seconds) and the key {@code <prefix><id>}, written in a transaction only if the key does
 * not exist ({@code create_revision == 0}) and attached to the lease: etcd's own locking recipe. The key's
 * create revision is the fencing token. Refreshing keeps the lease alive; releasing deletes the key only
 * while it still holds the holder's random owner value, and revokes the lease. A holder that disappears
 * stops keeping its lease alive, and etcd deletes the key when the lease runs out. Waiting clients poll
 * with back-off up to 100 ms (the grant is not first come, first served).
 *
 * <p>jetcd's futures complete on jetcd's threads; nothing blocks the subscribing thread, except
 * {@link #close()}, which closes the client on {@code Schedulers.boundedElastic()}. Each call to etcd
 * fails after the timeout (default 5 s) with a 503.
 *
 * <pre>{@code
 * Sync sync = EtcdSync.builder(List.of("10.0.0.1:2379")).prefix("/orders/locks/").build();
 * }</pre>
 */
public final class EtcdSync implements Sync {

  /** The address used when none is given. */
  public static final String DEFAULT_ADDRESS = "127.0.0.1:2379";

  /** The key prefix used when none is given. */
  public static final String DEFAULT_PREFIX = "/micro/sync/";

  /** How long a single call to etcd may take by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private final LeaseSync engine;

  private EtcdSync(Builder builder, ClientSource<Client> source) {
    this.engine = new LeaseSync(new EtcdLeases(source, builder.prefix, builder.timeout));
  }

  /**
   * Returns a builder of a sync on the etcd endpoints at {@code addresses}, under {@value #DEFAULT_PREFIX},
   * with a jetcd client of its own that {@link #close()} closes. Like every NATS and etcd backend, it takes
   * a list of addresses: the members of one cluster.
   *
   * @param addresses {@code host:port} or URLs such as {@code https://host:2379}, at least one, such as
   *     {@code List.of(}{@value #DEFAULT_ADDRESS}{@code )}
   * @return the builder
   * @throws NullPointerException when the list or an address is null
   * @throws IllegalArgumentException when the list is empty or an address is blank or not a valid URI
   */
  public static Builder builder(List<String> addresses) {
    List<URI> endpoints = EtcdClientSource.endpoints(addresses);
    return new Builder(timeout -> EtcdClientSource.own(endpoints, timeout));
  }

  /**
   * Returns a builder like {@link #builder(List)}, whose sync runs on the client shared by every etcd
   * backend built this way or created from settings for the same endpoints in this JVM, closed by the
   * last of them to close; the backends created from settings are built this way.
   *
   * @param addresses as for the other builder
   * @return the builder
   * @throws NullPointerException when {@code addresses} is null
   * @throws IllegalArgumentException when an address is not valid
   */
  public static Builder sharedClientBuilder(List<String> addresses) {
    List<URI> endpoints = EtcdClientSource.endpoints(addresses);
    return new Builder(timeout -> EtcdClientSource.shared(endpoints));
  }

  /**
   * Returns a builder of a sync on an application's jetcd client, for TLS, authentication or any other
   * jetcd option, or to share one client (one gRPC channel) between the sync and the etcd registry (see
   * {@code EtcdRegistry.builder(Client)} for an example). {@link #close()} leaves the client open: the
   * application closes it after the last backend using it has closed.
   *
   * @param client the client
   * @return the builder
   * @throws NullPointerException when {@code client} is null
   */
  public static Builder builder(Client client) {
    ClientSource<Client> source = EtcdClientSource.given(client);
    return new Builder(timeout -> source);
  }

  @Override
  public String name() {
    return "etcd";
  }

  @Override
  public Mono<Lock> lock(String id, Duration ttl, Duration wait) {
    return engine.lock(id, ttl, wait);
  }

  @Override
  public Flux<Leadership> elect(String id, Duration ttl) {
    return engine.elect(id, ttl);
  }

  /**
   * Closes the sync, and the jetcd client if the sync created it (on {@code Schedulers.boundedElastic()});
   * a client given to {@link #builder(Client)} stays open. Locks held are not released: their leases
   * expire with their TTL.
   *
   * @return a {@code Mono} that completes once closed
   */
  @Override
  public Mono<Void> close() {
    return engine.close();
  }

  /** Builds an {@link EtcdSync}. Creating one makes no connection. */
  public static final class Builder {

    private final Function<Duration, ClientSource<Client>> source;
    private String prefix = DEFAULT_PREFIX;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder(Function<Duration, ClientSource<Client>> source) {
      this.source = source;
    }

    /**
     * Sets the prefix of the lock keys.
     *
     * @param prefix such as {@code /micro/sync/}
     * @return this builder
     */
    public Builder prefix(String prefix) {
      this.prefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /**
     * Sets how long a single call to etcd may take, {@code 5 s} by default; a client the sync creates also
     * takes it as its connect timeout and longest retry.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("the timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Returns the sync; it connects on first use.
     *
     * @return the sync
     */
    public EtcdSync build() {
      return new EtcdSync(this, source.apply(timeout));
    }
  }
}
