package io.reactivemicro.sync.etcd;

import io.reactivemicro.sync.Leadership;
import io.reactivemicro.sync.spi.LeaseSync;
import io.reactivemicro.sync.Lock;
import io.reactivemicro.sync.Sync;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
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
 * Sync sync = EtcdSync.builder().addresses(List.of("10.0.0.1:2379")).prefix("/orders/locks/").build();
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

  private EtcdSync(Builder builder) {
    this.engine = new LeaseSync(new EtcdLeases(builder.addresses, builder.prefix, builder.timeout));
  }

  /** Returns a builder for a sync on {@value #DEFAULT_ADDRESS} under {@value #DEFAULT_PREFIX}. */
  public static Builder builder() {
    return new Builder();
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

  @Override
  public Mono<Void> close() {
    return engine.close();
  }

  /** Builds an {@link EtcdSync}. Creating one makes no connection. */
  public static final class Builder {

    private List<String> addresses = List.of(DEFAULT_ADDRESS);
    private String prefix = DEFAULT_PREFIX;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder() {}

    /**
     * Sets the etcd endpoints.
     *
     * @param addresses {@code host:port} or {@code http://host:port}, at least one
     * @return this builder
     */
    public Builder addresses(List<String> addresses) {
      if (addresses.isEmpty()) {
        throw new IllegalArgumentException("at least one etcd address is needed");
      }
      this.addresses = List.copyOf(addresses);
      return this;
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
     * Sets how long a single call to etcd may take.
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

    /** Returns the sync; it connects on first use. */
    public EtcdSync build() {
      return new EtcdSync(this);
    }
  }
}
