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
 * Store store = RedisStore.builder(RedisURI.create("redis://127.0.0.1:6379")).build();
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

  private final RedisClient client;
  private final boolean ownsClient;
  private final RedisURI uri;
  private final Scheduler clock;
  private final Namespace defaults;
  private final Mono<StatefulRedisConnection<byte[], byte[]>> connection;
  private volatile @Nullable StatefulRedisConnection<byte[], byte[]> connected;

  private RedisStore(Builder builder) {
    this.uri = builder.uri;
    this.clock = builder.clock;
    this.defaults = new Namespace(builder.database, builder.table);
    this.ownsClient = builder.client == null;
    this.client = builder.client != null ? builder.client : RedisClient.create();
    // Connected once, by the first operation; a failed connection is tried again by the next one.
    this.connection = Mono.defer(() -> Mono.fromCompletionStage(client.connectAsync(ByteArrayCodec.INSTANCE, uri)))
        .doOnNext(c -> connected = c)
        .cache(c -> Duration.ofMillis(Long.MAX_VALUE), error -> Duration.ZERO, () -> Duration.ZERO);
  }

  /**
   * Returns a builder of a store on the Redis server at {@code uri}.
   *
   * @param uri the server, such as {@code RedisURI.create("redis://127.0.0.1:6379/0")}
   * @return the builder
   */
  public static Builder builder(RedisURI uri) {
    return new Builder(Objects.requireNonNull(uri, "uri"));
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

  /** Closes the connection, and the client when the store created it. */
  @Override
  public Mono<Void> close() {
    return Mono.defer(() -> {
      StatefulRedisConnection<byte[], byte[]> open = connected;
      Mono<Void> closing = open == null ? Mono.empty() : Mono.fromCompletionStage(open.closeAsync());
      return ownsClient ? closing.then(Mono.fromCompletionStage(client.shutdownAsync())) : closing;
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
    return "RedisStore[" + uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase() + ", " + defaults + "]";
  }

  /** Builds a {@link RedisStore}. */
  public static final class Builder {

    private final RedisURI uri;
    private @Nullable RedisClient client;
    private Scheduler clock = Schedulers.parallel();
    private String database = DEFAULT_DATABASE;
    private String table = DEFAULT_TABLE;

    private Builder(RedisURI uri) {
      this.uri = uri;
    }

    /**
     * Sets the Lettuce client to connect with, for an application that shares its client resources; the
     * store then leaves it open on close. Unless set, the store creates its own and shuts it down on close.
     */
    public Builder client(RedisClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Sets the clock of expiries; tests pass a virtual-time scheduler. */
    public Builder clock(Scheduler clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Sets the default database; {@value Store#DEFAULT_DATABASE} unless set. */
    public Builder database(String database) {
      this.database = Objects.requireNonNull(database, "database");
      return this;
    }

    /** Sets the default table; {@value Store#DEFAULT_TABLE} unless set. */
    public Builder table(String table) {
      this.table = Objects.requireNonNull(table, "table");
      return this;
    }

    /** Returns the store; nothing connects before its first operation. */
    public RedisStore build() {
      return new RedisStore(this);
    }
  }
}
