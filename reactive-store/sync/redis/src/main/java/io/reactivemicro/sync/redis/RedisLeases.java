package io.reactivemicro.sync.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.sync.spi.LeaseBackend;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/** The atomic lease operations on Redis: one key per lock, Lua scripts for everything conditional. */
final class RedisLeases implements LeaseBackend {

  private static final String ID = "sync.redis";
  private static final String ACQUIRE = """
      if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
        return redis.call('INCR', KEYS[2])
      end
      return 0""";
  private static final String REFRESH = """
      if redis.call('GET', KEYS[1]) == ARGV[1] then
        return redis.call('PEXPIRE', KEYS[1], ARGV[2])
      end
      return 0""";
  private static final String RELEASE = """
      if redis.call('GET', KEYS[1]) == ARGV[1] then
        redis.call('DEL', KEYS[1])
        redis.call('PUBLISH', ARGV[2], ARGV[3])
        return 1
      end
      return 0""";

  private final RedisClientSource source;
  private final String prefix;
  private final String channel;
  private volatile boolean closed;
  private final AtomicReference<@Nullable StatefulRedisConnection<String, String>> opened = new AtomicReference<>();
  private final AtomicReference<@Nullable StatefulRedisPubSubConnection<String, String>> openedPubSub =
      new AtomicReference<>();
  private final Mono<StatefulRedisConnection<String, String>> connection;
  private final Flux<String> releases;

  RedisLeases(RedisClientSource source, String prefix) {
    this.source = source;
    this.prefix = prefix;
    this.channel = prefix + "released";
    // Connects on first use; a failed attempt is not cached, so the next operation tries again. A
    // connection made while close() ran is closed at once: close() may have missed it.
    this.connection = Mono.defer(() -> source.connect(StringCodec.UTF8))
        .doOnNext(c -> {
          opened.set(c);
          if (closed) {
            c.closeAsync();
          }
        })
        .cache(c -> Duration.ofMillis(Long.MAX_VALUE), e -> Duration.ZERO, () -> Duration.ZERO);
    Mono<StatefulRedisPubSubConnection<String, String>> pubSub =
        Mono.defer(() -> source.connectPubSub(StringCodec.UTF8))
            .doOnNext(c -> {
              openedPubSub.set(c);
              if (closed) {
                c.closeAsync();
              }
            })
            .flatMap(c -> c.reactive().subscribe(channel).thenReturn(c))
            .cache(c -> Duration.ofMillis(Long.MAX_VALUE), e -> Duration.ZERO, () -> Duration.ZERO);
    this.releases = pubSub
        .flatMapMany(c -> c.reactive().observeChannels())
        .map(message -> message.getMessage())
        .onErrorResume(e -> Mono.empty())
        .publish()
        .refCount();
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public Mono<Long> tryAcquire(String id, String owner, Duration ttl) {
    return run(ACQUIRE, id, owner, Long.toString(ttl.toMillis()))
        .filter(token -> token > 0);
  }

  @Override
  public Mono<Boolean> refresh(String id, String owner, Duration ttl) {
    return run(REFRESH, id, owner, Long.toString(ttl.toMillis())).map(result -> result == 1L);
  }

  @Override
  public Mono<Boolean> release(String id, String owner) {
    return run(RELEASE, id, owner, channel, id).map(result -> result == 1L);
  }

  @Override
  public Mono<Void> awaitRelease(String id, Duration max, Scheduler timer) {
    // Without pub/sub (it could not connect, or closed) the wait is the plain pause, never shorter.
    return Mono.firstWithSignal(
        Mono.delay(max, timer).then(),
        releases.filter(id::equals).next().switchIfEmpty(Mono.never()).then());
  }

  @Override
  public Mono<Void> close() {
    return Mono.defer(() -> {
      closed = true;
      StatefulRedisConnection<String, String> c = opened.getAndSet(null);
      StatefulRedisPubSubConnection<String, String> p = openedPubSub.getAndSet(null);
      Mono<Void> closeConnections = Mono.when(
          c == null ? Mono.empty() : Mono.fromCompletionStage(c.closeAsync()),
          p == null ? Mono.empty() : Mono.fromCompletionStage(p.closeAsync()));
      return closeConnections
          .onErrorResume(e -> Mono.empty())
          .then(source.release());
    });
  }

  private Mono<Long> run(String script, String id, String... args) {
    String key = prefix + "{" + id + "}";
    String[] keys = {key, key + ":fence"};
    return connection
        .onErrorMap(error -> !(error instanceof MicroException), error -> new MicroException(ID, 503,
            "cannot reach Redis at " + source.describe() + ": " + error.getMessage(), MicroException.statusText(503),
            error))
        .flatMap(c -> c.reactive().<Long>eval(script, ScriptOutputType.INTEGER, keys, args).next());
  }

  @Override
  public String toString() {
    return "RedisLeases[" + source.describe() + " " + prefix + "]";
  }
}
