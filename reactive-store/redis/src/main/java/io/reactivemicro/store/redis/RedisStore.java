package io.reactivemicro.store.redis;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanStream;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.store.DeleteOptions;
import io.reactivemicro.store.ListOptions;
import io.reactivemicro.store.Namespace;
import io.reactivemicro.store.ReadOptions;
import io.reactivemicro.store.Record;
import io.reactivemicro.store.Store;
import io.reactivemicro.store.spi.StoreSupport;
import io.reactivemicro.store.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The store on Redis, through Lettuce's reactive API: non-blocking, on Lettuce's Netty threads, over one
 * multiplexed connection opened by the first operation.
 *
 * <p><b>Layout.</b> A record is a hash at the key {@code <database>:<table>:<key>} with the fields
 * {@code v} (value), {@code m} (metadata, JSON), {@code n} (version) and {@code e} (expiry, epoch
 * milliseconds, absent for none). Database and table names cannot contain {@code :}, so the layout is
 * unambiguous. A record with an expiry also gets a Redis TTL ({@code PEXPIRE}), so Redis frees it; reads
 * and lists compare {@code e} with the store's clock as well, so an expired record is never returned
 * even before Redis has removed it.
 *
 * <p><b>Writes</b> run as one Lua script that compares the live version with the expected one and
 * writes the next version: conditional writes are atomic, and versions never repeat while a key lives.
 *
 * <p><b>Reads and lists</b> of a prefix or a suffix walk the keyspace with {@code SCAN ... MATCH}, the
 * pattern's glob characters escaped, one {@code SCAN} page ({@value #SCAN_COUNT} keys at a time) as demand
 * asks, and fetch the records of the keys found with at most {@value #PIPELINE} commands in flight.
 * Their order is Redis's (not key order), offsets and limits apply in that order, and a key may
 * come twice if Redis resizes its table during the walk. {@code SCAN} visits every key of the Redis
 * database, so a Redis database of the store's own keeps them fast. Redis Cluster is not supported.
 *
 * <pre>{@code
 * Store store = RedisStore.builder("127.0.0.1:6379").build();
 * }</pre>
 */
public final class RedisStore implements Store {

  /** How many keys each {@code SCAN} call asks for. */
  static final int SCAN_COUNT = 256;

  /** How many records a read or a list fetches at once, pipelined on the connection, ahead of demand. */
  static final int PIPELINE = 32;

  private static final byte[] VALUE = bytes("v");
  private static final byte[] METADATA = bytes("m");
  private static final byte[] VERSION = bytes("n");
  private static final byte[] EXPIRY = bytes("e");

  /**
   * KEYS[1] the record; ARGV: value, metadata, expiry (epoch ms or empty), expected version (-1 any, 0
   * absent), now (epoch ms), time to live (ms or empty). Returns the new version, or -(live version)-1
   * when the condition does not hold.
   */
  private static final String WRITE = """
      local current = redis.call('HGET', KEYS[1], 'n')
      local expiry = redis.call('HGET', KEYS[1], 'e')
      local live = 0
      if current and not (expiry and tonumber(expiry) <= tonumber(ARGV[5])) then
        live = tonumber(current)
      end
      local expected = tonumber(ARGV[4])
      if expected >= 0 and expected ~= live then
        return -live - 1
      end
      local version = 1
      if current then version = tonumber(current) + 1 end
      redis.call('DEL', KEYS[1])
      redis.call('HSET', KEYS[1], 'v', ARGV[1], 'm', ARGV[2], 'n', version)
      if ARGV[3] ~= '' then
        redis.call('HSET', KEYS[1], 'e', ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[6])
      end
      return version
      """;

  private final RedisClientSource source;
  private final Scheduler clock;
  private final Namespace defaults;
  private final Mono<StatefulRedisConnection<byte[], byte[]>> connection;
  private volatile @Nullable StatefulRedisConnection<byte[], byte[]> connected;
  private volatile boolean closed;

  private RedisStore(Builder builder, RedisClientSource source) {
    this.source = source;
    this.clock = builder.clock;
    this.defaults = new Namespace(builder.database, builder.table);
    // Connected once, by the first operation; a failed connection is tried again by the next one.
    this.connection = Mono.defer(() -> source.connect(ByteArrayCodec.INSTANCE))
        .doOnNext(c -> {
          connected = c;
          // A connection made while close() ran is closed here: close() may have missed it.
          if (closed) {
            c.closeAsync();
          }
        })
        .cache(c -> Duration.ofMillis(Long.MAX_VALUE), error -> Duration.ZERO, () -> Duration.ZERO);
  }

  /**
   * Returns a builder of a store on the Redis server at {@code address}, with a Lettuce client of its own
   * that {@link #close()} shuts down. Like every Redis backend, it takes one address: Redis Cluster is not
   * supported.
   *
   * @param address {@code host:port}, or a {@code redis://} (or {@code rediss://}) URI that may name a
   *     password and a Redis database, such as {@code redis://secret@10.0.0.1:6379/2}
   * @return the builder
   * @throws NullPointerException when {@code address} is null
   * @throws IllegalArgumentException when it is blank or not a valid address
   */
  public static Builder builder(String address) {
    RedisURI uri = RedisClientSource.uri(address);
    return new Builder(() -> RedisClientSource.own(uri));
  }

  /**
   * Returns a builder like {@link #builder(String)}, whose store runs on the client shared by every Redis
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
   * Returns a builder of a store on an application's Lettuce client, connecting to the URI the client was
   * created with ({@code RedisClient.create("redis://10.0.0.1:6379/2")}). The store opens its own
   * connection on the client and closes it on {@link #close()}, leaving the client open: the application
   * shuts it down after the last backend using it has closed. Sharing one client between the store, the
   * broker, the stream and the sync shares its event loops:
   *
   * <pre>{@code
   * RedisClient redis = RedisClient.create("redis://10.0.0.1:6379");
   * Store store = RedisStore.builder(redis).build();
   * Broker broker = RedisBroker.builder(redis).build();
   * Stream stream = RedisStream.builder(redis).build();
   * Sync sync = RedisSync.builder(redis).build();
   * // ... and when done:
   * Mono.when(store.close(), broker.close(), stream.close(), sync.close()).block();
   * redis.shutdown();
   * }</pre>
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
  public String database() {
    return defaults.database();
  }

  @Override
  public String table() {
    return defaults.table();
  }

  @Override
  public Flux<Record> read(String key, ReadOptions options) {
    return Flux.defer(() -> {
      Namespace namespace = Namespace.resolve(options.database(), options.table(), this);
      StoreSupport.checkPattern(key);
      long now = now();
      if (!options.isPrefix() && !options.isSuffix()) {
        Flux<Record> one = commands(redis -> fetch(redis, namespace, key, now).flux())
            .switchIfEmpty(Mono.error(() -> StoreSupport.notFound(namespace, key)));
        return StoreSupport.page(one, options.offset(), options.limit());
      }
      String pattern = options.isPrefix()
          ? glob(prefix(namespace) + key) + "*"
          : glob(prefix(namespace)) + "*" + glob(key);
      Flux<Record> matches = commands(redis -> scan(redis, pattern)
          .flatMapSequential(redisKey -> fetch(redis, namespace, keyOf(namespace, redisKey), now), PIPELINE))
          .filter(record -> StoreSupport.matches(record.key(), key, options));
      return StoreSupport.page(matches, options.offset(), options.limit());
    });
  }

  @Override
  public Mono<Void> write(Record record, WriteOptions options) {
    return Mono.defer(() -> {
      Namespace namespace = Namespace.resolve(options.database(), options.table(), this);
      String key = StoreSupport.checkKey(record.key());
      long now = now();
      Instant expiry = StoreSupport.expiry(options, record, now);
      byte[][] args = {
          record.value(),
          bytes(StoreSupport.encodeMetadata(record.metadata())),
          expiry == null ? new byte[0] : bytes(Long.toString(expiry.toEpochMilli())),
          bytes(Long.toString(options.expectedVersion())),
          bytes(Long.toString(now)),
          expiry == null ? new byte[0] : bytes(Long.toString(expiry.toEpochMilli() - now)),
      };
      return commands(redis -> redis.<Long>eval(WRITE, ScriptOutputType.INTEGER, new byte[][] {redisKey(namespace, key)}, args))
          .next()
          .flatMap(version -> version > 0 ? Mono.<Void>empty()
              : Mono.error(StoreSupport.conflict(namespace, key, options.expectedVersion(), -version - 1)));
    });
  }

  @Override
  public Mono<Void> delete(String key, DeleteOptions options) {
    return Mono.defer(() -> {
      Namespace namespace = Namespace.resolve(options.database(), options.table(), this);
      StoreSupport.checkKey(key);
      return commands(redis -> redis.del(redisKey(namespace, key)).flux()).then();
    });
  }

  @Override
  public Flux<String> list(ListOptions options) {
    return Flux.defer(() -> {
      Namespace namespace = Namespace.resolve(options.database(), options.table(), this);
      StoreSupport.checkPattern(options.prefix());
      StoreSupport.checkPattern(options.suffix());
      long now = now();
      // With both a prefix and a suffix the suffix is checked here: they may overlap in a short key.
      String pattern = glob(prefix(namespace) + options.prefix()) + "*"
          + (options.prefix().isEmpty() ? glob(options.suffix()) : "");
      Flux<String> keys = commands(redis -> scan(redis, pattern)
          .flatMapSequential(redisKey -> redis.hmget(redisKey, VERSION, EXPIRY).collectList()
              .filter(fields -> live(fields.get(0), fields.get(1), now))
              .map(fields -> keyOf(namespace, redisKey)), PIPELINE))
          .filter(key -> StoreSupport.matches(key, options));
      return StoreSupport.page(keys, options.offset(), options.limit());
    });
  }

  /**
   * Closes the store's connection, then shuts the Lettuce client down if the store created it; a client
   * given to {@link #builder(RedisClient)} stays open.
   *
   * @return a {@code Mono} that completes once closed
   */
  @Override
  public Mono<Void> close() {
    return Mono.defer(() -> {
      closed = true;
      StatefulRedisConnection<byte[], byte[]> open = connected;
      Mono<Void> closing = open == null ? Mono.empty() : Mono.fromCompletionStage(open.closeAsync());
      return closing.then(source.release());
    });
  }

  private <T> Flux<T> commands(Function<RedisReactiveCommands<byte[], byte[]>, Flux<T>> operation) {
    return connection.flatMapMany(c -> operation.apply(c.reactive()))
        .onErrorMap(error -> !(error instanceof MicroException),
            error -> new MicroException(StoreSupport.ID, 503, "redis: " + error.getMessage(),
                MicroException.statusText(503), error));
  }

  private static Flux<byte[]> scan(RedisReactiveCommands<byte[], byte[]> redis, String pattern) {
    return ScanStream.scan(redis, ScanArgs.Builder.matches(pattern).limit(SCAN_COUNT));
  }

  /** Reads the live record of a key, or nothing. */
  private static Mono<Record> fetch(RedisReactiveCommands<byte[], byte[]> redis, Namespace namespace, String key,
      long now) {
    return redis.hmget(redisKey(namespace, key), VALUE, METADATA, VERSION, EXPIRY).collectList()
        .flatMap(fields -> {
          byte[] version = value(fields.get(2));
          byte[] expiry = value(fields.get(3));
          byte[] value = value(fields.get(0));
          if (version == null || value == null || !live(fields.get(2), fields.get(3), now)) {
            return Mono.empty();
          }
          byte[] metadata = value(fields.get(1));
          return Mono.just(new Record(key, value,
              StoreSupport.decodeMetadata(metadata == null ? "" : string(metadata)),
              expiry == null ? null : Instant.ofEpochMilli(Long.parseLong(string(expiry))),
              Long.parseLong(string(version))));
        });
  }

  private static boolean live(KeyValue<byte[], byte[]> version, KeyValue<byte[], byte[]> expiry, long now) {
    byte[] v = value(version);
    byte[] e = value(expiry);
    return v != null && (e == null || Long.parseLong(string(e)) > now);
  }

  private static byte @Nullable [] value(KeyValue<byte[], byte[]> field) {
    return field.hasValue() ? field.getValue() : null;
  }

  /**
   * Escapes the characters Redis glob patterns give a meaning to ({@code * ? [ ] \}), so that a prefix or
   * suffix is matched literally.
   */
  static String glob(String literal) {
    StringBuilder escaped = new StringBuilder(literal.length() + 8);
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }

  private static String prefix(Namespace namespace) {
    return namespace.database() + ":" + namespace.table() + ":";
  }

  private static byte[] redisKey(Namespace namespace, String key) {
    return bytes(prefix(namespace) + key);
  }

  private static String keyOf(Namespace namespace, byte[] redisKey) {
    return string(redisKey).substring(prefix(namespace).length());
  }

  private long now() {
    return clock.now(TimeUnit.MILLISECONDS);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] utf8) {
    return new String(utf8, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "RedisStore[" + source.describe() + ", " + defaults + "]";
  }

  /** Builds a {@link RedisStore}. */
  public static final class Builder {

    private final Supplier<RedisClientSource> source;
    private Scheduler clock = Schedulers.parallel();
    private String database = DEFAULT_DATABASE;
    private String table = DEFAULT_TABLE;

    private Builder(Supplier<RedisClientSource> source) {
      this.source = source;
    }

    /**
     * Sets the clock of expiries; tests pass a virtual-time scheduler.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Scheduler clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the default database; {@value Store#DEFAULT_DATABASE} unless set.
     *
     * @param database the store database (a key prefix, not a Redis database number)
     * @return this builder
     */
    public Builder database(String database) {
      this.database = Objects.requireNonNull(database, "database");
      return this;
    }

    /**
     * Sets the default table; {@value Store#DEFAULT_TABLE} unless set.
     *
     * @param table the table
     * @return this builder
     */
    public Builder table(String table) {
      this.table = Objects.requireNonNull(table, "table");
      return this;
    }

    /**
     * Returns the store; nothing connects before its first operation.
     *
     * @return the store
     */
    public RedisStore build() {
      return new RedisStore(this, source.get());
    }
  }
}
