package io.reactivemicro.stream.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.RedisCodec;
import io.reactivemicro.plugin.spi.ClientSource;
import io.reactivemicro.plugin.spi.ServerAddresses;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A backend's Lettuce client ({@link ClientSource}: its own, shared or given) and the URI it connects to,
 * which is null on a client the application gave: that client connects to the URI it was created with.
 */
final class RedisClientSource {

  private final ClientSource<RedisClient> source;
  private final @Nullable RedisURI uri;

  private RedisClientSource(ClientSource<RedisClient> source, @Nullable RedisURI uri) {
    this.source = source;
    this.uri = uri;
  }

  /** Returns a source with a client of its own, connecting to {@code uri}, shut down on release. */
  static RedisClientSource own(RedisURI uri) {
    return new RedisClientSource(ClientSource.own(RedisClient.create(), RedisClientSource::shutdown, describe(uri)), uri);
  }

  /**
   * Returns a source on the client every Redis backend created from settings for the server of
   * {@code uri} shares in this JVM, whichever Redis plugins are present; the last to release it shuts it down.
   */
  static RedisClientSource shared(RedisURI uri) {
    return new RedisClientSource(ClientSource.shared(sharedKey(uri), RedisClient::create,
        RedisClientSource::shutdown, describe(uri)), uri);
  }

  /** Returns a source on a client the application owns, left open on release. */
  static RedisClientSource given(RedisClient client) {
    return new RedisClientSource(ClientSource.given(client, "the server of the given RedisClient"), null);
  }

  /** Returns the key of the shared client of a server, spelt the same way by every Redis plugin. */
  static String sharedKey(RedisURI uri) {
    return "lettuce redis://" + uri.getHost() + ":" + uri.getPort();
  }

  /**
   * Turns {@code host:port} or a {@code redis://} (or {@code rediss://}) URI into a Redis URI.
   *
   * @throws NullPointerException when the address is null
   * @throws IllegalArgumentException when it is blank or not a valid address
   */
  static RedisURI uri(String address) {
    return ServerAddresses.parse(address, "redis", "Redis", RedisURI::create);
  }

  /**
   * Connects: asynchronously to the source's URI, or, on a client given without one, to the client's
   * own URI with Lettuce's blocking connect on {@link Schedulers#boundedElastic()}.
   */
  <K, V> Mono<StatefulRedisConnection<K, V>> connect(RedisCodec<K, V> codec) {
    RedisURI target = uri;
    RedisClient client = source.client();
    return target != null
        ? Mono.fromCompletionStage(() -> client.connectAsync(codec, target))
        : Mono.fromCallable(() -> client.connect(codec)).subscribeOn(Schedulers.boundedElastic());
  }

  /** Releases the client once, as {@link ClientSource#release()} says. */
  Mono<Void> release() {
    return source.release();
  }

  /** Describes the server, for error messages. */
  String describe() {
    return source.describe();
  }

  private static String describe(RedisURI uri) {
    return uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
  }

  // Lettuce's shutdown may wait for its event loops; it is started from boundedElastic.
  private static Mono<Void> shutdown(RedisClient client) {
    return Mono.fromCompletionStage(client::shutdownAsync).subscribeOn(Schedulers.boundedElastic()).then();
  }
}
