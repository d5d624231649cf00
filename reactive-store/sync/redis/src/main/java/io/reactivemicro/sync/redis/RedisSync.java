package io.reactivemicro.sync.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.reactivemicro.sync.Leadership;
import io.reactivemicro.sync.spi.LeaseSync;
import io.reactivemicro.sync.Lock;
import io.reactivemicro.sync.Sync;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
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

  private RedisSync(RedisClientSource source, String prefix) {
    this.engine = new LeaseSync(new RedisLeases(source, prefix));
  }

  /**
   * Returns a builder of a sync on the Redis server at {@code address}, with a Lettuce client of its own
   * that {@link #close()} shuts down. Like every Redis backend, it takes one address.
   *
   * @param address {@code host:port}, or a {@code redis://} (or {@code rediss://}) URI
   * @return the builder
   * @throws NullPointerException when {@code address} is null
   * @throws IllegalArgumentException when it is blank or not a valid address
   */
  public static Builder builder(String address) {
    RedisURI uri = RedisClientSource.uri(address);
    return new Builder(() -> RedisClientSource.own(uri));
  }

  /**
   * Returns a builder like {@link #builder(String)}, whose sync runs on the client shared by every Redis
   * backend built this way or created from settings for the same server in this JVM, closed by the
   * last of them to close; the backends created from settings are built this way.
   *
   * @param address as for the other builder
   * @return the builder
   * @throws NullPointerException when {@code address} is null
   * @throws IllegalArgumentException when an address is not valid
   */
  public static Builder sharedClientBuilder(String address) {
    RedisURI uri = RedisClientSource.uri(address);
    return new Builder(() -> RedisClientSource.shared(uri));
  }

  /**
   * Returns a builder of a sync on an application's Lettuce client, connecting to the URI the client was
   * created with ({@code RedisClient.create("redis://10.0.0.1:6379")}). The sync opens its own connections
   * on the client and closes them on {@link #close()}, leaving the client open: the application shuts it
   * down after the last backend using it has closed (see {@code RedisStore.builder(RedisClient)} for an
   * example of one client shared by the store, the broker, the stream and the sync).
   *
   * @param client the client, created with a URI; a client created without one fails the first operation
   * @return the builder
   * @throws NullPointerException when {@code client} is null
   */
  public static Builder builder(RedisClient client) {
    RedisClientSource source = RedisClientSource.given(client);
    return new Builder(() -> source);
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

  /**
   * Closes the sync's connections, then shuts the Lettuce client down if the sync created it; a client
   * given to {@link #builder(RedisClient)} stays open. Locks held are not released: they expire with
   * their TTL.
   *
   * @return a {@code Mono} that completes once closed
   */
  @Override
  public Mono<Void> close() {
    return engine.close();
  }

  /** Builds a {@link RedisSync}. Creating one makes no connection. */
  public static final class Builder {

    private final Supplier<RedisClientSource> source;
    private String prefix = DEFAULT_PREFIX;

    private Builder(Supplier<RedisClientSource> source) {
      this.source = source;
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

    /**
     * Returns the sync; it connects on first use.
     *
     * @return the sync
     */
    public RedisSync build() {
      return new RedisSync(source.get(), prefix);
    }
  }
}
