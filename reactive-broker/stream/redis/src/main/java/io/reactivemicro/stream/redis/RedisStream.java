package io.reactivemicro.stream.redis;

import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.models.stream.PendingMessage;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.stream.ConsumeOptions;
import io.reactivemicro.stream.Event;
import io.reactivemicro.stream.StartPosition;
import io.reactivemicro.stream.Stream;
import io.reactivemicro.stream.spi.Acknowledger;
import io.reactivemicro.stream.spi.AutoAck;
import io.reactivemicro.stream.spi.Events;
import io.reactivemicro.stream.spi.Ids;
import io.reactivemicro.stream.spi.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * A {@link Stream} on Redis Streams (Lettuce, reactive; Redis 6.2 or later for {@code XAUTOCLAIM}).
 *
 * <p>Mapping: topic {@code orders} is the stream key {@code <prefix>orders} ({@code micro:stream:} by
 * default); an event is an entry whose fields are {@code payload} and {@code m:<key>} for each metadata
 * entry. Its id is the entry id ({@code 1700000000000-0}); its timestamp is the id's milliseconds;
 * its sequence is {@code milliseconds << 20 | counter} (ids are unique and ordered per topic, not
 * contiguous). A consumer group is a Redis consumer group; each subscription is a Redis consumer with
 * a random name, removed when it cancels; a consumer without a group gets a group of its own, destroyed
 * when it cancels. The start position is given to {@code XGROUP CREATE} when the group is created.
 *
 * <p>Reading: a member polls with {@code XREADGROUP ... COUNT n} without {@code BLOCK}, where {@code n}
 * is what its subscriber requested, bounded by {@link ConsumeOptions#maxInFlight()} and 256; when there
 * is nothing it polls again after a back-off growing from 10 ms to 500 ms (the latency of an idle
 * topic), so no connection is ever blocked and one connection serves every consumer. Before reading
 * new entries it takes over entries left unacknowledged longer than its ack wait with
 * {@code XAUTOCLAIM}; their delivery count is read with {@code XPENDING}. {@link Event#ack()} is
 * {@code XACK}. {@link Event#nack(Duration)} hands the entry to a parking consumer with
 * {@code XCLAIM ... IDLE (ackWait - delay) JUSTID}, so that it becomes claimable once {@code delay} has
 * passed: a nack delay longer than the ack wait acts as the ack wait. A cancelled member parks its
 * unacknowledged entries the same way, claimable at once. An entry claimed for the
 * {@code maxDeliveries + 1}-th time is not emitted: it is added ({@code XADD}) to the dead-letter
 * topic's stream and acknowledged ({@code XACK}), or only acknowledged without one.
 *
 * <p>Durability: {@code publish} completes when Redis has added the entry; whether it survives a Redis
 * restart depends on the server's persistence ({@code appendonly yes} with {@code appendfsync}).
 * Entries are never trimmed by this class.
 *
 * <p>Threads: commands are sent from {@link Schedulers#boundedElastic()}, because Lettuce's endpoint
 * takes a lock to write a command that may park under contention; nothing waits for an answer. Events are
 * emitted on Lettuce's I/O thread: move blocking work off it with {@code publishOn}.
 *
 * <pre>{@code
 * Stream stream = RedisStream.builder("127.0.0.1:6379").build();
 * }</pre>
 */
public final class RedisStream implements Stream {

  private static final Logger LOG = Loggers.getLogger(RedisStream.class);
  private static final String PAYLOAD = "payload";
  private static final String META = "m:";
  private static final String PARKING = "micro-parked";
  private static final int MAX_BATCH = 256;
  private static final long MIN_BACKOFF = 10;
  private static final long MAX_BACKOFF = 500;
  private static final long CLAIM_INTERVAL = 250;
  private static final long COUNTER_MASK = (1 << 20) - 1;
  // The largest milliseconds whose sequence, milliseconds << 20, is positive (the year 2248).
  private static final long MAX_MILLIS = (1L << 43) - 1;

  private final RedisClientSource source;
  private final String keyPrefix;
  private final Mono<StatefulRedisConnection<String, byte[]>> connection;
  private volatile @Nullable StatefulRedisConnection<String, byte[]> connected;
  private final Set<Member> members = ConcurrentHashMap.newKeySet();
  private final AtomicInteger commandsInFlight = new AtomicInteger();
  private volatile boolean closed;
  // Set once close() has let the consumers leave: from then on no command is sent.
  private volatile boolean gateShut;

  private RedisStream(RedisClientSource source, String keyPrefix) {
    this.keyPrefix = keyPrefix;
    this.source = source;
    this.connection = Mono.defer(() -> source.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE)))
        .subscribeOn(Schedulers.boundedElastic())
        .doOnNext(c -> {
          connected = c;
          // A connection made while close() ran is closed here: close() may have missed it.
          if (closed) {
            c.closeAsync();
          }
        })
        .cache(c -> Duration.ofDays(36_500), e -> Duration.ZERO, () -> Duration.ZERO);
  }

  /**
   * Returns a builder of a stream on the Redis server at {@code address}, with a Lettuce client of its own
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
   * Returns a builder like {@link #builder(String)}, whose stream runs on the client shared by every Redis
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
   * Returns a builder of a stream on an application's Lettuce client, connecting to the URI the client was
   * created with ({@code RedisClient.create("redis://10.0.0.1:6379")}). The stream opens its own
   * connection on the client and closes it on {@link #close()}, leaving the client open: the application
   * shuts it down after the last backend using it has closed (see {@code RedisStore.builder(RedisClient)}
   * for an example of one client shared by the store, the broker, the stream and the sync).
   *
   * @param client the client, created with a URI; a client created without one fails the first operation
   * @return the builder
   * @throws NullPointerException when {@code client} is null
   */
  public static Builder builder(RedisClient client) {
    RedisClientSource source = RedisClientSource.given(client);
    return new Builder(() -> source);
  }

  /** Returns the key of a topic's stream. */
  public String key(String topic) {
    return keyPrefix + topic;
  }

  private Mono<RedisReactiveCommands<String, byte[]>> commands() {
    return closed ? Mono.error(closedError()) : connection.map(StatefulRedisConnection::reactive)
        .onErrorMap(error -> !(error instanceof MicroException), error -> new MicroException(Topics.ERROR_ID, 503,
            "cannot reach Redis at " + source.describe() + ": " + error.getMessage(), MicroException.statusText(503),
            error));
  }

  private static MicroException closedError() {
    return MicroException.serviceUnavailable(Topics.ERROR_ID, "the stream is closed");
  }

  /**
   * {@inheritDoc}
   *
   * <p>Completes when Redis has added the entry ({@code XADD}); durable as far as the server's
   * persistence settings make it.
   */
  @Override
  public Mono<Void> publish(String topic, byte[] payload, Map<String, String> metadata) {
    return Mono.defer(() -> {
      Topics.check(topic);
      return add(key(topic), payload.clone(), metadata);
    });
  }

  private Mono<Void> add(String key, byte[] payload, Map<String, String> metadata) {
    Map<String, byte[]> body = new LinkedHashMap<>();
    body.put(PAYLOAD, payload);
    metadata.forEach((k, v) -> body.put(META + k, v.getBytes(StandardCharsets.UTF_8)));
    return commands().flatMap(c -> tracked(onWorker(c.xadd(key, body)))).then();
  }

  @Override
  public Flux<Event> consume(String topic, ConsumeOptions options) {
    Flux<Event> events = Flux.defer(() -> {
      Topics.check(topic);
      return commands().flatMapMany(c -> Flux.<Event>create(sink -> {
        Member member = new Member(c, topic, options, sink);
        members.add(member);
        sink.onRequest(member::request);
        sink.onDispose(member::dispose);
        member.start();
      }));
    });
    return options.autoAck() ? AutoAck.apply(events) : events;
  }

  /**
   * Completes every consumer, waits (at most 5 seconds) for the consumers' commands in flight, then closes
   * the connection and shuts the Lettuce client down if the stream created it; a client given to
   * {@link #builder(RedisClient)} stays open.
   *
   * @return a {@code Mono} that completes once closed
   */
  @Override
  public Mono<Void> close() {
    return Mono.defer(() -> {
      closed = true;
      for (Member member : List.copyOf(members)) {
        member.sink.complete();
      }
      // Lettuce must not be shut down while a completion on its I/O thread is dispatching a command.
      gateShut = true;
      return Flux.interval(Duration.ofMillis(20))
          .filter(tick -> commandsInFlight.get() == 0)
          .next()
          .timeout(Duration.ofSeconds(5), Mono.just(0L))
          .then(Mono.defer(() -> {
            StatefulRedisConnection<String, byte[]> open = connected;
            return open == null ? Mono.<Void>empty() : Mono.fromCompletionStage(open.closeAsync());
          }))
          .then(source.release());
    }).then();
  }

  // Lettuce's endpoint takes a lock to write a command, which may park under contention: commands are sent
  // from boundedElastic, never from a Reactor or Netty non-blocking thread.
  private static <T> Mono<T> onWorker(Mono<T> command) {
    return command.subscribeOn(Schedulers.boundedElastic());
  }

  private static <T> Flux<T> onWorker(Flux<T> command) {
    return command.subscribeOn(Schedulers.boundedElastic());
  }

  // Counts every command (chain) in flight and refuses new ones once close() has shut the gate, so that
  // close() shuts Lettuce down only when no completion on its I/O thread can dispatch another command.
  private <T> Mono<T> tracked(Mono<T> commands) {
    return Mono.defer(() -> {
      commandsInFlight.incrementAndGet();
      if (gateShut) {
        commandsInFlight.decrementAndGet();
        return Mono.error(closedError());
      }
      return commands.doFinally(signal -> commandsInFlight.decrementAndGet());
    });
  }

  /**
   * Returns an entry id's sequence, {@code milliseconds << 20 | counter}, the counter capped at 2^20 - 1.
   *
   * @throws MicroException a 400 when the id is not {@code <milliseconds>-<counter>} or its milliseconds
   *     do not fit the sequence (2^43 and above: Redis takes any 64-bit id that {@code XADD} is given)
   */
  static long sequence(String id) {
    return millis(id) << 20 | Math.min(counter(id), COUNTER_MASK);
  }

  private static long millis(String id) {
    int dash = id.indexOf('-');
    try {
      if (dash > 0 && Character.isDigit(id.charAt(0))) {
        long ms = Long.parseLong(id, 0, dash, 10);
        if (ms <= MAX_MILLIS) {
          return ms;
        }
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw badId(id);
  }

  private static long counter(String id) {
    int dash = id.indexOf('-');
    try {
      if (dash > 0 && dash + 1 < id.length() && Character.isDigit(id.charAt(dash + 1))) {
        long counter = Long.parseUnsignedLong(id, dash + 1, id.length(), 10);
        return Long.compareUnsigned(counter, COUNTER_MASK) > 0 ? COUNTER_MASK : counter;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw badId(id);
  }

  private static MicroException badId(String id) {
    return MicroException.badRequest(Topics.ERROR_ID,
        "entry id '%s' is not <milliseconds>-<counter> with milliseconds below 2^43", id);
  }

  /**
   * Turns an entry into an event: field {@code payload} is the payload (empty without it), each field
   * {@code m:<key>} a metadata entry, other fields are ignored; the timestamp and the sequence come from
   * the id.
   *
   * @param topic the topic
   * @param id the entry id
   * @param fields the entry's fields
   * @param deliveryCount how many times the entry has been delivered, this time included
   * @param acknowledger what acknowledges it
   * @return the event
   * @throws MicroException a 400 when the id is not one {@link #sequence(String)} maps
   */
  static Event event(String topic, String id, Map<String, byte[]> fields, int deliveryCount,
      Acknowledger acknowledger) {
    long sequence = sequence(id);
    Map<String, String> metadata = new HashMap<>();
    byte[] payload = new byte[0];
    for (Map.Entry<String, byte[]> field : fields.entrySet()) {
      if (field.getKey().equals(PAYLOAD)) {
        payload = field.getValue();
      } else if (field.getKey().startsWith(META)) {
        metadata.put(field.getKey().substring(META.length()), new String(field.getValue(), StandardCharsets.UTF_8));
      }
    }
    return Events.create(id, topic, Instant.ofEpochMilli(millis(id)), sequence, metadata, payload, deliveryCount,
        acknowledger);
  }

  // The id just before the first one a group starting at the position reads.
  static String lastDeliveredBefore(StartPosition start) {
    if (start instanceof StartPosition.Sequence s) {
      long ms = s.sequence() >>> 20;
      long counter = s.sequence() & ((1 << 20) - 1);
      if (s.sequence() == 0) {
        return "0";
      }
      return counter > 0 ? ms + "-" + (counter - 1) : (ms - 1) + "-18446744073709551615";
    }
    if (start instanceof StartPosition.Time t) {
      long ms = t.time().toEpochMilli();
      return ms <= 0 ? "0" : (ms - 1) + "-18446744073709551615";
    }
    return start == StartPosition.beginning() ? "0" : "$";
  }

  /** One subscription: a Redis consumer in a group. */
  private final class Member {
    final RedisReactiveCommands<String, byte[]> c;
    final String topic;
    final String key;
    final ConsumeOptions options;
    final FluxSink<Event> sink;
    final String group;
    final boolean fresh;
    final Consumer<String> consumer;
    final XReadArgs.StreamOffset<String> newEntries;
    final AtomicLong demand = new AtomicLong();
    final Map<String, Disposable> held = new LinkedHashMap<>();
    volatile boolean started;
    volatile boolean disposed;
    boolean polling;
    boolean again;
    long backoff = MIN_BACKOFF;
    long lastClaim;
    String claimCursor = "0-0";
    @Nullable Disposable scheduled;

    Member(RedisReactiveCommands<String, byte[]> c, String topic, ConsumeOptions options, FluxSink<Event> sink) {
      this.c = c;
      this.topic = topic;
      this.key = key(topic);
      this.options = options;
      this.sink = sink;
      this.fresh = options.group() == null;
      this.group = Objects.requireNonNullElseGet(options.group(), () -> "fresh-" + Ids.random());
      this.consumer = Consumer.from(group, Ids.random());
      this.newEntries = XReadArgs.StreamOffset.lastConsumed(key);
    }

    void start() {
      tracked(onWorker(c.xgroupCreate(XReadArgs.StreamOffset.from(key, lastDeliveredBefore(options.start())),
              group, XGroupCreateArgs.Builder.mkstream())))
          .onErrorResume(e -> String.valueOf(e.getMessage()).contains("BUSYGROUP"), e -> Mono.empty())
          .subscribe(null, e -> sink.error(MicroException.from(Topics.ERROR_ID, e)), () -> {
            started = true;
            poll();
          });
    }

    void request(long n) {
      demand.getAndUpdate(d -> Operators.addCap(d, n));
      poll();
    }

    void poll() {
      int capacity;
      boolean claim;
      synchronized (this) {
        if (disposed || closed || !started) {
          return;
        }
        if (polling) {
          again = true;
          return;
        }
        capacity = (int) Math.min(Math.min(demand.get(), options.maxInFlight() - held.size()), MAX_BATCH);
        if (capacity <= 0) {
          return;
        }
        polling = true;
        again = false;
        long now = System.currentTimeMillis();
        claim = now - lastClaim >= CLAIM_INTERVAL;
        if (claim) {
          lastClaim = now;
        }
      }
      Mono<List<Delivery>> claimed = claim ? claim(capacity) : Mono.just(List.of());
      tracked(claimed.flatMap(old -> {
        int room = capacity - old.size();
        if (room <= 0 || closed || disposed) {
          return Mono.just(old);
        }
        return readNew(room)
            .map(m -> new Delivery(m, 1))
            .collectList()
            .map(fresh -> {
              List<Delivery> all = new ArrayList<>(old);
              all.addAll(fresh);
              return all;
            });
      })).subscribe(this::deliver, e -> {
        LOG.warn("reading {} failed, retrying: {}", key, e.toString());
        finished(false);
      });
    }

    @SuppressWarnings("unchecked") // one StreamOffset<String> in the varargs array
    private Flux<StreamMessage<String, byte[]>> readNew(int count) {
      return onWorker(c.xreadgroup(consumer, XReadArgs.Builder.count(count), newEntries));
    }

    private Mono<List<Delivery>> claim(int count) {
      String cursor;
      synchronized (this) {
        cursor = claimCursor;
      }
      return onWorker(c.xautoclaim(key, XAutoClaimArgs.Builder.xautoclaim(consumer, options.ackWait(), cursor)
              .count(count)))
          .flatMap(claimed -> {
            synchronized (this) {
              claimCursor = claimed.getId();
            }
            List<StreamMessage<String, byte[]>> messages = claimed.getMessages();
            if (messages.isEmpty() || closed) {
              return Mono.just(List.<Delivery>of());
            }
            String first = messages.get(0).getId();
            String last = messages.get(messages.size() - 1).getId();
            return onWorker(c.xpending(key, consumer, Range.create(first, last), Limit.from(messages.size() * 2L)))
                .collectMap(PendingMessage::getId, PendingMessage::getRedeliveryCount)
                .map(counts -> {
                  List<Delivery> deliveries = new ArrayList<>();
                  for (StreamMessage<String, byte[]> m : messages) {
                    if (m.getBody() != null && !m.getBody().isEmpty()) {
                      deliveries.add(new Delivery(m, counts.getOrDefault(m.getId(), 2L)));
                    }
                  }
                  return deliveries;
                });
          });
    }

    private void deliver(List<Delivery> deliveries) {
      List<Event> events = new ArrayList<>(deliveries.size());
      for (Delivery delivery : deliveries) {
        String id = delivery.message().getId();
        Event event;
        try {
          event = toEvent(delivery);
        } catch (MicroException undecodable) {
          // Another producer added an entry with an id beyond the sequences (XADD takes any id): left
          // pending, it would be claimed again and again, so it is acknowledged and dropped, loudly.
          LOG.error("dropping entry {} of {}: {}", id, key, undecodable.detail());
          tracked(onWorker(c.xack(key, group, id)))
              .subscribe(null, e -> LOG.warn("acknowledging the undecodable entry {} failed: {}", id, e.toString()));
          continue;
        }
        if (options.maxDeliveries() > 0 && delivery.count() > options.maxDeliveries()) {
          deadLetter(event);
          continue;
        }
        synchronized (this) {
          if (disposed) {
            break;
          }
          held.put(id, Schedulers.parallel().schedule(() -> expired(id), options.ackWait().toMillis(),
              TimeUnit.MILLISECONDS));
          demand.decrementAndGet();
        }
        events.add(event);
      }
      for (Event event : events) {
        sink.next(event);
      }
      finished(!deliveries.isEmpty());
    }

    private void finished(boolean gotSome) {
      boolean now;
      long delay;
      synchronized (this) {
        polling = false;
        if (disposed) {
          return;
        }
        if (gotSome) {
          backoff = MIN_BACKOFF;
        }
        now = gotSome || again;
        delay = backoff;
        if (!now) {
          backoff = Math.min(backoff * 2, MAX_BACKOFF);
          if (scheduled != null) {
            scheduled.dispose();
          }
          scheduled = Schedulers.parallel().schedule(this::poll, delay, TimeUnit.MILLISECONDS);
        }
      }
      if (now) {
        poll();
      }
    }

    private Event toEvent(Delivery delivery) {
      StreamMessage<String, byte[]> message = delivery.message();
      return event(topic, message.getId(), message.getBody(), (int) delivery.count(), new EventAcks(message.getId()));
    }

    private void deadLetter(Event event) {
      String dlq = options.deadLetterTopic();
      Mono<Void> moved;
      if (dlq == null) {
        LOG.warn("event {} on {} dropped after {} deliveries (no dead-letter topic)", event.id(), topic,
            options.maxDeliveries());
        moved = Mono.empty();
      } else {
        Map<String, String> metadata = new LinkedHashMap<>(event.metadata());
        metadata.put(Event.DEAD_LETTER_TOPIC, topic);
        metadata.put(Event.DEAD_LETTER_ID, event.id());
        metadata.put(Event.DEAD_LETTER_DELIVERIES, Integer.toString(options.maxDeliveries()));
        moved = add(key(dlq), event.payload(), metadata);
      }
      tracked(moved.then(onWorker(c.xack(key, group, event.id()))))
          .subscribe(null, e -> LOG.error("dead letter of " + event.id() + " on " + topic
              + " failed; it stays pending and is claimed again", e));
    }

    private void expired(String id) {
      synchronized (this) {
        if (held.remove(id) == null) {
          return;
        }
      }
      poll();
    }

    private void forget(String id) {
      Disposable timer;
      synchronized (this) {
        timer = held.remove(id);
      }
      if (timer != null) {
        timer.dispose();
      }
    }

    // Parks entries so that any member can claim them once they have been idle for its ack wait.
    private Mono<Void> park(List<String> ids, Duration idle) {
      if (ids.isEmpty()) {
        return Mono.empty();
      }
      XClaimArgs args = new XClaimArgs().minIdleTime(0).idle(idle).justid();
      return onWorker(c.xclaim(key, Consumer.from(group, PARKING), args, ids.toArray(String[]::new))).then();
    }

    void dispose() {
      List<String> unacked;
      synchronized (this) {
        disposed = true;
        unacked = new ArrayList<>(held.keySet());
        held.values().forEach(Disposable::dispose);
        held.clear();
        if (scheduled != null) {
          scheduled.dispose();
        }
      }
      members.remove(this);
      Mono<?> cleanUp = fresh
          ? onWorker(c.xgroupDestroy(key, group))
          : park(unacked, options.ackWait()).then(onWorker(c.xgroupDelconsumer(key, consumer)));
      tracked(cleanUp).subscribe(null, e -> LOG.debug("leaving group {} on {} failed: {}", group, key, e.toString()));
    }

    private final class EventAcks implements Acknowledger {
      private final String id;

      EventAcks(String id) {
        this.id = id;
      }

      @Override
      public Mono<Void> ack() {
        return tracked(onWorker(c.xack(key, group, id))).doOnSuccess(n -> {
          forget(id);
          poll();
        }).then();
      }

      @Override
      public Mono<Void> nack(Duration delay) {
        Duration idle = options.ackWait().minus(delay);
        return tracked(park(List.of(id), idle.isNegative() ? Duration.ZERO : idle)).doOnSuccess(v -> {
          forget(id);
          synchronized (Member.this) {
            lastClaim = 0;
          }
          Schedulers.parallel().schedule(() -> {
            synchronized (Member.this) {
              lastClaim = 0;
              claimCursor = "0-0";
            }
            poll();
          }, delay.toMillis(), TimeUnit.MILLISECONDS);
          poll();
        });
      }
    }
  }

  private record Delivery(StreamMessage<String, byte[]> message, long count) {}

  /** Builds a {@link RedisStream}. */
  public static final class Builder {
    private final Supplier<RedisClientSource> source;
    private String keyPrefix = "micro:stream:";

    private Builder(Supplier<RedisClientSource> source) {
      this.source = source;
    }

    /**
     * Sets the prefix of the stream keys; {@code micro:stream:} by default.
     *
     * @param keyPrefix the prefix
     * @return this builder
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
      return this;
    }

    /**
     * Returns the stream; it connects on its first operation.
     *
     * @return the stream
     */
    public RedisStream build() {
      return new RedisStream(source.get(), keyPrefix);
    }
  }
}
