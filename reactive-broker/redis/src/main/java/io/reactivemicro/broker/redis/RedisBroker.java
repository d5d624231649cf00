package io.reactivemicro.broker.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.Message;
import io.reactivemicro.broker.SubscribeOptions;
import io.reactivemicro.broker.spi.Topics;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.broker.spi.MessageEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * A broker over Redis. Without a queue, a topic is a pub/sub channel: every subscriber connected when a
 * message is published gets it, at most once. Redis pub/sub has no queue groups, so a queue is a Redis
 * list: the subscription adds its queue name to the set {@code micro:broker:<topic>:queues}, and
 * publishing, in one Lua script, publishes on the channel and pushes the message onto the list
 * {@code micro:broker:<topic>:queue:<queue>} of every queue of the topic; the members of a queue pop from
 * it ({@code BRPOP}), so each message goes to one of them. Like a durable queue, the list keeps messages
 * while no member is connected. Headers travel with the body in one envelope.
 *
 * <p>Demand: a queue member pops a message only when its subscriber has asked for one (plus at most one
 * popped ahead), so a slow member leaves the rest in Redis; a message popped but not yet delivered when
 * the subscription is cancelled is lost (at most once). Pub/sub cannot slow the publisher: each
 * subscription holds at most {@link SubscribeOptions#bufferSize()} messages and then applies its
 * {@link io.reactivemicro.broker.Overflow} policy. All pub/sub subscriptions of a broker share one
 * connection; each queue member has a connection of its own (blocking pops would otherwise hold the
 * shared one). Lettuce is non-blocking: messages arrive on its event-loop threads. Keys built inside the
 * script make it unsuitable for Redis Cluster.
 *
 * <pre>{@code
 * Broker broker = RedisBroker.builder("127.0.0.1:6379").build();
 * broker.subscribe("orders", SubscribeOptions.defaults().withQueue("billing")).subscribe(...);
 * }</pre>
 */
public final class RedisBroker implements Broker {

  private static final String ID = "io.reactivemicro.broker.redis";
  private static final Logger LOG = Loggers.getLogger(RedisBroker.class);
  private static final long POP_TIMEOUT_SECONDS = 1;
  // KEYS[1]: the set of queue names; ARGV[1]: the channel, ARGV[2]: the envelope, ARGV[3]: the list prefix.
  private static final String PUBLISH = """
      redis.call('PUBLISH', ARGV[1], ARGV[2])
      for _, queue in ipairs(redis.call('SMEMBERS', KEYS[1])) do
        redis.call('LPUSH', ARGV[3] .. queue, ARGV[2])
      end
      return 1
      """;

  private final RedisClientSource source;
  private final Mono<StatefulRedisConnection<byte[], byte[]>> commands;
  private final Mono<StatefulRedisPubSubConnection<byte[], byte[]>> pubSub;
  private final AtomicReference<@Nullable StatefulRedisConnection<byte[], byte[]>> openCommands = new AtomicReference<>();
  private final AtomicReference<@Nullable StatefulRedisPubSubConnection<byte[], byte[]>> openPubSub =
      new AtomicReference<>();
  private final Map<String, List<FluxSink<Message>>> channels = new ConcurrentHashMap<>();
  private final Map<String, Integer> subscribed = new HashMap<>();
  private final Sinks.Empty<Void> closing = Sinks.empty();
  private volatile boolean closed;

  private RedisBroker(RedisClientSource source) {
    this.source = source;
    this.commands = Mono.defer(() -> source.connect(ByteArrayCodec.INSTANCE))
        .onErrorMap(this::unavailable)
        .doOnNext(connection -> {
          openCommands.set(connection);
          // A connection made while close() ran is closed here: close() may have missed it.
          if (closed) {
            connection.closeAsync();
          }
        })
        .cache(c -> Duration.ofMillis(Long.MAX_VALUE), e -> Duration.ZERO, () -> Duration.ZERO);
    this.pubSub = Mono.defer(() -> source.connectPubSub(ByteArrayCodec.INSTANCE))
        .onErrorMap(this::unavailable)
        .doOnNext(connection -> {
          connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
              dispatch(new String(channel, StandardCharsets.UTF_8), message);
            }
          });
          openPubSub.set(connection);
          if (closed) {
            connection.closeAsync();
          }
        })
        .cache(c -> Duration.ofMillis(Long.MAX_VALUE), e -> Duration.ZERO, () -> Duration.ZERO);
  }

  /**
   * Returns a builder of a broker on the Redis server at {@code address}, with a Lettuce client of its own
   * that {@link #close()} shuts down. Like every Redis backend, it takes one address: Redis Cluster is not
   * supported.
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
   * Returns a builder like {@link #builder(String)}, whose broker runs on the client shared by every Redis
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
   * Returns a builder of a broker on an application's Lettuce client, connecting to the URI the client was
   * created with ({@code RedisClient.create("redis://10.0.0.1:6379")}). The broker opens its own
   * connections on the client and closes them on {@link #close()}, leaving the client open: the
   * application shuts it down after the last backend using it has closed (see
   * {@code RedisStore.builder(RedisClient)} for an example of one client shared by the store, the broker,
   * the stream and the sync).
   *
   * @param client the client, created with a URI; a client created without one fails the first operation
   * @return the builder
   * @throws NullPointerException when {@code client} is null
   */
  public static Builder builder(RedisClient client) {
    RedisClientSource source = RedisClientSource.given(client);
    return new Builder(() -> source);
  }

  private Throwable unavailable(Throwable e) {
    return e instanceof MicroException ? e
        : new MicroException(ID, 503, "cannot reach Redis at " + source.describe() + ": " + e.getMessage(), "Service Unavailable", e);
  }

  /** Returns the key of the set of queue names of a topic. */
  public static String queuesKey(String topic) {
    return "micro:broker:" + topic + ":queues";
  }

  /** Returns the key of the list of a queue group. */
  public static String queueKey(String topic, String queue) {
    return queuePrefix(topic) + queue;
  }

  private static String queuePrefix(String topic) {
    return "micro:broker:" + topic + ":queue:";
  }

  private static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public Mono<Void> publish(String topic, Message message) {
    return Mono.defer(() -> {
      Topics.check(ID, topic);
      byte[] envelope = MessageEnvelope.encode(message);
      return commands.flatMap(c -> c.reactive().<Long>eval(PUBLISH, ScriptOutputType.INTEGER,
              new byte[][] {bytes(queuesKey(topic))}, bytes(topic), envelope, bytes(queuePrefix(topic))).then())
          .onErrorMap(this::unavailable);
    });
  }

  @Override
  public Flux<Message> subscribe(String topic, SubscribeOptions options) {
    return Flux.defer(() -> {
      Topics.check(ID, topic);
      String queue = options.queue();
      return queue == null ? channel(topic, options) : queue(topic, queue, options);
    });
  }

  private Flux<Message> channel(String topic, SubscribeOptions options) {
    Flux<Message> source = pubSub.flatMapMany(connection -> Flux.<Message>create(sink -> {
      channels.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(sink);
      Mono<Void> confirmed = changeCount(connection, topic, +1);
      sink.onDispose(() -> {
        channels.computeIfPresent(topic, (t, sinks) -> {
          sinks.remove(sink);
          return sinks.isEmpty() ? null : sinks;
        });
        changeCount(connection, topic, -1).subscribe(v -> { }, e -> LOG.debug("unsubscribing {} failed: {}", topic,
            e.toString()));
      });
      confirmed.subscribe(v -> { }, e -> sink.error(unavailable(e)), () -> options.onActive().run());
    }, FluxSink.OverflowStrategy.BUFFER));
    return options.overflow().bound(source, options.bufferSize(), topic);
  }

  /**
   * Counts the subscriptions of a channel, subscribing in Redis for the first and unsubscribing after the
   * last. Commands are dispatched under the lock, so they reach Redis in the order the counts changed.
   */
  private Mono<Void> changeCount(StatefulRedisPubSubConnection<byte[], byte[]> connection, String topic, int delta) {
    synchronized (subscribed) {
      int before = subscribed.getOrDefault(topic, 0);
      int after = before + delta;
      if (after == 0) {
        subscribed.remove(topic);
      } else {
        subscribed.put(topic, after);
      }
      if (before == 0 && after > 0) {
        return Mono.fromCompletionStage(connection.async().subscribe(bytes(topic)));
      }
      if (before > 0 && after == 0) {
        return Mono.fromCompletionStage(connection.async().unsubscribe(bytes(topic)));
      }
      // Another subscription of this channel is being confirmed or is active: a ping orders this one after it.
      return Mono.fromCompletionStage(connection.async().ping()).then();
    }
  }

  private void dispatch(String channel, byte[] envelope) {
    List<FluxSink<Message>> sinks = channels.get(channel);
    if (sinks == null) {
      return;
    }
    Message message;
    try {
      message = MessageEnvelope.decode(envelope);
    } catch (MicroException e) {
      LOG.warn("dropping a message on channel {} that is not a message envelope", channel);
      return;
    }
    for (FluxSink<Message> sink : sinks) {
      sink.next(message);
    }
  }

  private Flux<Message> queue(String topic, String queue, SubscribeOptions options) {
    byte[] list = bytes(queueKey(topic, queue));
    return Flux.usingWhen(
        Mono.defer(() -> source.connect(ByteArrayCodec.INSTANCE))
            .onErrorMap(this::unavailable),
        connection -> connection.reactive().sadd(bytes(queuesKey(topic)), bytes(queue))
            .doOnSuccess(added -> options.onActive().run())
            .thenMany(Mono.defer(() -> connection.reactive().brpop(POP_TIMEOUT_SECONDS, list)).repeat())
            .map(popped -> MessageEnvelope.decode(popped.getValue()))
            .onErrorMap(e -> !(e instanceof MicroException), this::unavailable)
            .takeUntilOther(closing.asMono().then(Mono.just(true))),
        connection -> Mono.fromCompletionStage(connection.closeAsync()));
  }

  /**
   * Closes the broker's connections, then shuts the Lettuce client down if the broker created it (a client
   * given to {@link #builder(RedisClient)} stays open); open subscriptions end.
   *
   * @return a {@code Mono} that completes once closed
   */
  @Override
  public Mono<Void> close() {
    return Mono.defer(() -> {
      closed = true;
      closing.tryEmitEmpty();
      channels.values().forEach(sinks -> sinks.forEach(FluxSink::complete));
      StatefulRedisConnection<byte[], byte[]> c = openCommands.getAndSet(null);
      StatefulRedisPubSubConnection<byte[], byte[]> p = openPubSub.getAndSet(null);
      Mono<Void> closing = Mono.when(
          c == null ? Mono.empty() : Mono.fromCompletionStage(c.closeAsync()),
          p == null ? Mono.empty() : Mono.fromCompletionStage(p.closeAsync()));
      return closing.then(source.release());
    });
  }

  /** Builds a {@link RedisBroker}. */
  public static final class Builder {

    private final Supplier<RedisClientSource> source;

    private Builder(Supplier<RedisClientSource> source) {
      this.source = source;
    }

    /**
     * Returns the broker; nothing connects before the first publish or subscription.
     *
     * @return the broker
     */
    public RedisBroker build() {
      return new RedisBroker(source.get());
    }
  }
}
