package io.reactivemicro.store.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.reactivemicro.plugin.spi.SharedClients;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Where a backend's Lettuce client comes from, how the backend connects with it, and what closing the
 * backend does to it: a client the backend created is shut down, a client it was given is left open, and
 * a client shared by the backends created from settings is released, and shut down by the last of them.
 */
final class RedisClientSource {

  private final RedisClient client;
  private final @Nullable RedisURI uri;
  private final Supplier<Mono<Void>> release;
  private final AtomicBoolean released = new AtomicBoolean();

  private RedisClientSource(RedisClient client, @Nullable RedisURI uri, Supplier<Mono<Void>> release) {
    this.client = client;
    this.uri = uri;
    this.release = release;
  }

  /** Returns a source with a client of its own, connecting to {@code uri}, shut down on release. */
  static RedisClientSource own(RedisURI uri) {
    RedisClient client = RedisClient.create();
    return new RedisClientSource(client, uri, () -> shutdown(client));
  }

  /**
   * Returns a source on the client that every Redis backend created from settings for the same server
   * shares in this JVM (the store, the broker, the stream and the sync, whichever plugins are present),
   * connecting to {@code uri}; the last backend to release it shuts it down.
   */
  static RedisClientSource shared(RedisURI uri) {
    SharedClients.Lease<RedisClient> lease =
        SharedClients.acquire(sharedKey(uri), RedisClient::create, RedisClientSource::shutdown);
    return new RedisClientSource(lease.client(), uri, lease::release);
  }

  /**
   * Returns the key of the shared client of a server: a Lettuce client serves any URI, so the key names the
   * server only, spelt the same way by every Redis plugin.
   */
  static String sharedKey(RedisURI uri) {
    return "lettuce redis://" + uri.getHost() + ":" + uri.getPort();
  }

  /** Returns a source on a client the application owns, connecting to the client's own URI. */
  static RedisClientSource given(RedisClient client) {
    return new RedisClientSource(Objects.requireNonNull(client, "client"), null, Mono::empty);
  }

  /**
   * Turns an address into a Redis URI.
   *
   * @param address {@code host:port} or a {@code redis://} (or {@code rediss://}) URI
   * @throws NullPointerException when the address is null
   * @throws IllegalArgumentException when it is blank or not a valid address
   */
  static RedisURI uri(String address) {
    Objects.requireNonNull(address, "address");
    String trimmed = address.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("the Redis address must not be blank");
    }
    try {
      return RedisURI.create(trimmed.contains("://") ? trimmed : "redis://" + trimmed);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid Redis address \"" + address + "\": " + e.getMessage(), e);
    }
  }

  /** Returns the client. */
  RedisClient client() {
    return client;
  }

  /**
   * Connects: asynchronously to the source's URI, or, on a client given without one, to the client's
   * own URI with Lettuce's blocking connect on {@link Schedulers#boundedElastic()}.
   */
  <K, V> Mono<StatefulRedisConnection<K, V>> connect(RedisCodec<K, V> codec) {
    RedisURI target = uri;
    return target != null
        ? Mono.fromCompletionStage(() -> client.connectAsync(codec, target))
        : Mono.fromCallable(() -> client.connect(codec)).subscribeOn(Schedulers.boundedElastic());
  }

  /** Opens a pub/sub connection, as {@link #connect} opens a connection. */
  <K, V> Mono<StatefulRedisPubSubConnection<K, V>> connectPubSub(RedisCodec<K, V> codec) {
    RedisURI target = uri;
    return target != null
        ? Mono.fromCompletionStage(() -> client.connectPubSubAsync(codec, target))
        : Mono.fromCallable(() -> client.connectPubSub(codec)).subscribeOn(Schedulers.boundedElastic());
  }

  /** Releases the client once: shuts it down when the backend created it, else does nothing. */
  Mono<Void> release() {
    return Mono.defer(() -> released.compareAndSet(false, true) ? release.get() : Mono.empty());
  }

  /** Describes the server, for error messages. */
  String describe() {
    RedisURI target = uri;
    return target != null ? target.getHost() + ":" + target.getPort() + "/" + target.getDatabase()
        : "the server of the given RedisClient";
  }

  // Lettuce's shutdown may wait for its event loops; it is started from boundedElastic.
  private static Mono<Void> shutdown(RedisClient client) {
    return Mono.fromCompletionStage(client::shutdownAsync).subscribeOn(Schedulers.boundedElastic()).then();
  }
}
