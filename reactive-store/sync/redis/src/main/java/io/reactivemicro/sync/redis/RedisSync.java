package io.reactivemicro.sync.redis;

import io.lettuce.core.RedisURI;
import io.reactivemicro.sync.Leadership;
import io.reactivemicro.sync.spi.LeaseSync;
import io.reactivemicro.sync.Lock;
import io.reactivemicro.sync.Sync;
import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Locks and leader election on Redis, through Lettuce's reactive API.
 *
 * <p>A lock is a key {@code <prefix>{<id>}} set with {@code SET NX PX <ttl>} to a random owner value;
 * refreshing and releasing are Lua scripts that act only while the key still holds that owner, so an
 * expired holder can never release its successor's lock. The fencing token comes from {@code INCR} on
 * {@code <prefix>{<id>}:fence} in the same script as the {@code SET}. Both keys share a hash slot, so
 * Redis Cluster works. A release is published on {@code <prefix>released}, which wakes waiting clients;
 * they also poll, with back-off up to 100 ms. Leases run on the Redis server's clock.
 *
 * <p>Each instance opens one connection (and one pub/sub connection once it waits) on first use; Lettuce
 * reconnects them when they drop. A single Redis server is a single point of failure: a lock taken on a
 * primary that fails before replicating it may be granted again by the promoted replica.
 *
 * <pre>{@code
 * Sync sync = RedisSync.builder("127.0.0.1:6379").prefix("orders:").build();
 * }</pre>
 */
public final class RedisSync implements Sync {

  /** The address used when none is given. */
  public static final String DEFAULT_ADDRESS = "127.0.0.1:6379";

  /** The key prefix used when none is given. */
  public static final String DEFAULT_PREFIX = "micro:sync:";

  private final LeaseSync engine;

  private RedisSync(RedisURI uri, String prefix) {
    this.engine = new LeaseSync(new RedisLeases(uri, prefix));
  }

  /**
   * Returns a builder for a sync on the Redis server at {@code address}.
   *
   * @param address {@code host:port}, or a {@code redis://} (or {@code rediss://}) URI
   * @return the builder
   * @throws IllegalArgumentException when the address cannot be parsed
   */
  public static Builder builder(String address) {
    return new Builder(address);
  }

  @Override
  public String name() {
    return "redis";
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

  /** Builds a {@link RedisSync}. Creating one makes no connection. */
  public static final class Builder {

    private final RedisURI uri;
    private String prefix = DEFAULT_PREFIX;

    private Builder(String address) {
      Objects.requireNonNull(address, "address");
      String trimmed = address.trim();
      try {
        this.uri = RedisURI.create(trimmed.contains("://") ? trimmed : "redis://" + trimmed);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("invalid Redis address \"" + address + "\": " + e.getMessage(), e);
      }
    }

    /**
     * Sets the prefix of every key and channel, so several applications can share one Redis.
     *
     * @param prefix such as {@code micro:sync:}; no braces
     * @return this builder
     */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (prefix.contains("{") || prefix.contains("}")) {
        throw new IllegalArgumentException("the key prefix must not contain braces: " + prefix);
      }
      this.prefix = prefix;
      return this;
    }

    /** Returns the sync; it connects on first use. */
    public RedisSync build() {
      return new RedisSync(uri, prefix);
    }
  }
}
