package io.reactivemicro.stream.jetstream;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsJetStreamMetaData;
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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
import reactor.util.retry.Retry;

/**
 * A {@link Stream} on NATS JetStream (jnats).
 *
 * <p>Mapping: one JetStream stream (file storage, named {@code micro-events} unless set) holds every
 * topic; topic {@code orders.eu} is the subject {@code <stream name>.orders.eu}, so a topic's sequence
 * numbers are the stream's and have gaps. A consumer group is a durable pull consumer on the topic's
 * subject, named {@code <group>_<topic with '.' as '_', cut to 60>_<8 hex digits of the topic's hash>},
 * with explicit ack, the group's ack wait as {@code AckWait} and {@code MaxDeliver} of
 * {@code maxDeliveries + 1}; the consumer's settings come from the member that created it. A consumer
 * without a group gets a durable consumer of its own, deleted when it cancels.
 *
 * <p>Demand: each member keeps at most one pull request open, for no more events than its subscriber
 * requested and its {@link ConsumeOptions#maxInFlight()} allows (and at most 256); the request expires
 * after 5 seconds and is renewed while demand remains, which also resumes consumption after the
 * connection to the server is re-established. {@link Event#ack()} is a synchronous ack (the server
 * confirms it), {@link Event#nack(Duration)} is {@code NakWithDelay}. An event delivered for the
 * {@code maxDeliveries + 1}-th time is not emitted: it is republished to the dead-letter topic (with
 * retries) and then acknowledged, or only acknowledged when there is none.
 *
 * <p>Durability: {@code publish} completes when JetStream acknowledges the message (stored in the
 * stream's file store; the server fsyncs on its own schedule, {@code sync_interval}, and replicates if
 * the stream has replicas). Each publish carries a fresh {@code Nats-Msg-Id}, which is the event's id.
 *
 * <p>Threads: jnats connection set-up, stream and consumer management, pulls and acks are blocking
 * calls, run on {@link Schedulers#boundedElastic()}. Events are emitted on the connection's dispatcher
 * thread, shared by all the consumers of this instance: hand slow work off with {@code publishOn}.
 *
 * <pre>{@code
 * Stream stream = JetStreamStream.builder(List.of("nats://127.0.0.1:4222")).build();
 * }</pre>
 */
public final class JetStreamStream implements Stream {

  private static final Logger LOG = Loggers.getLogger(JetStreamStream.class);
  private static final Duration PULL_EXPIRES = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_BATCH = 256;

  private final NatsConnectionSource source;
  private final String streamName;
  private final Mono<Conn> ready;
  private final Set<Member> members = ConcurrentHashMap.newKeySet();
  // Guarded by this.
  private @Nullable Conn conn;
  private volatile boolean closed;

  private record Conn(Connection connection, JetStream js, JetStreamManagement jsm, Dispatcher dispatcher) {}

  private JetStreamStream(NatsConnectionSource source, String streamName) {
    this.source = source;
    this.streamName = streamName;
    this.ready = source.connection()
        .onErrorMap(error -> !(error instanceof MicroException), error -> new MicroException(Topics.ERROR_ID, 503,
            "cannot reach NATS " + source.describe() + ": " + error.getMessage(), MicroException.statusText(503), error))
        .publishOn(Schedulers.boundedElastic())
        .flatMap(connection -> Mono.fromCallable(() -> open(connection)))
        .cache(c -> Duration.ofDays(36_500), e -> Duration.ZERO, () -> Duration.ZERO);
  }

  /**
   * Returns a builder of a stream on the NATS servers at {@code addresses}, with a connection of its own,
   * made on first use, that reconnects for ever (every half second) and that {@link #close()} closes. Like
   * every NATS and etcd backend, it takes a list of addresses: the servers of one cluster, tried in turn.
   *
   * @param addresses {@code host:port} or {@code nats://host:port}, at least one
   * @return the builder
   * @throws NullPointerException when the list or an address is null
   * @throws IllegalArgumentException when the list is empty or an address is blank
   */
  public static Builder builder(List<String> addresses) {
    Options options = new Options.Builder()
        .servers(NatsConnectionSource.servers(addresses).toArray(String[]::new))
        .maxReconnects(-1)
        .reconnectWait(Duration.ofMillis(500))
        .connectionTimeout(Duration.ofSeconds(5))
        .build();
    return new Builder(() -> NatsConnectionSource.own(options));
  }

  /**
   * Returns a builder like {@link #builder(List)}, whose stream runs on the connection shared by every NATS
   * backend built this way or created from settings for the same servers in this JVM, closed by the
   * last of them to close; the backends created from settings are built this way.
   *
   * @param addresses as for the other builder
   * @return the builder
   * @throws NullPointerException when {@code addresses} is null
   * @throws IllegalArgumentException when an address is not valid
   */
  public static Builder sharedClientBuilder(List<String> addresses) {
    List<String> servers = NatsConnectionSource.servers(addresses);
    return new Builder(() -> NatsConnectionSource.shared(servers));
  }

  /**
   * Returns a builder of a stream on an application's jnats connection, for TLS, credentials or any other
   * jnats option, or to share one connection between the stream, the NATS registry and the NATS broker.
   * The stream consumes through a dispatcher of its own, which {@link #close()} closes, and leaves the
   * connection open: the application closes it after the last backend using it has closed (see
   * {@code NatsBroker.builder(Connection)} for an example).
   *
   * @param connection the connection
   * @return the builder
   * @throws NullPointerException when {@code connection} is null
   */
  public static Builder builder(Connection connection) {
    NatsConnectionSource source = NatsConnectionSource.given(connection);
    return new Builder(() -> source);
  }

  /** Returns the name of the JetStream stream that holds the topics. */
  public String streamName() {
    return streamName;
  }

  /**
   * Creates the JetStream stream when missing and the stream's dispatcher, once; blocking, so on
   * boundedElastic.
   */
  private synchronized Conn open(Connection connection) throws Exception {
    if (closed) {
      throw closedError();
    }
    Conn current = conn;
    if (current != null && current.connection() == connection) {
      return current;
    }
    JetStreamManagement jsm = connection.jetStreamManagement();
    try {
      jsm.getStreamInfo(streamName);
    } catch (JetStreamApiException e) {
      if (e.getErrorCode() != 404) {
        throw e;
      }
      jsm.addStream(StreamConfiguration.builder()
          .name(streamName)
          .subjects(streamName + ".>")
          .storageType(StorageType.File)
          .build());
    }
    Conn created = new Conn(connection, connection.jetStream(), jsm, connection.createDispatcher());
    conn = created;
    return created;
  }

  private static MicroException closedError() {
    return MicroException.serviceUnavailable(Topics.ERROR_ID, "the stream is closed");
  }

  private String subject(String topic) {
    return streamName + "." + topic;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Completes when JetStream has stored the message; fails with a timeout after 10 seconds without
   * an answer (for example while the server is restarting): publishing again is then safe within the
   * stream's duplicate window only if the caller reuses nothing, since each call has its own id.
   */
  @Override
  public Mono<Void> publish(String topic, byte[] payload, Map<String, String> metadata) {
    return Mono.defer(() -> {
      Topics.check(topic);
      if (closed) {
        return Mono.error(closedError());
      }
      byte[] data = payload.clone();
      Map<String, String> meta = Map.copyOf(metadata);
      // jnats writes under a lock that may park: the publish is sent from boundedElastic.
      return ready.flatMap(c -> Mono.fromFuture(() -> publish(c, subject(topic), data, meta))
              .subscribeOn(Schedulers.boundedElastic()))
          .timeout(REQUEST_TIMEOUT)
          .then();
    });
  }

  private java.util.concurrent.CompletableFuture<io.nats.client.api.PublishAck> publish(Conn c, String subject,
      byte[] data, Map<String, String> metadata) {
    Headers headers = new Headers();
    metadata.forEach(headers::put);
    PublishOptions publishOptions = PublishOptions.builder()
        .messageId(Ids.random())
        .expectedStream(streamName)
        .build();
    return c.js().publishAsync(subject, headers, data, publishOptions);
  }

  @Override
  public Flux<Event> consume(String topic, ConsumeOptions options) {
    Flux<Event> events = Flux.defer(() -> {
      Topics.check(topic);
      if (closed) {
        return Flux.error(closedError());
      }
      return ready.flatMapMany(c -> Flux.<Event>create(sink -> {
        Member member = new Member(c, topic, options, sink);
        members.add(member);
        sink.onRequest(member::request);
        sink.onDispose(member::dispose);
        Schedulers.boundedElastic().schedule(member::start);
      }));
    });
    return options.autoAck() ? AutoAck.apply(events) : events;
  }

  /**
   * Completes every consumer and closes the stream's dispatcher, on {@code boundedElastic}, then closes the
   * connection if the stream made it; a connection given to {@link #builder(Connection)} stays open.
   *
   * @return a {@code Mono} that completes once closed
   */
  @Override
  public Mono<Void> close() {
    return Mono.<Void>fromRunnable(() -> {
      closed = true;
      for (Member member : List.copyOf(members)) {
        member.sink.complete();
        // Released here rather than asynchronously, before the dispatcher goes.
        member.release();
      }
      Conn c;
      synchronized (this) {
        c = conn;
        conn = null;
      }
      if (c != null) {
        try {
          c.connection().closeDispatcher(c.dispatcher());
        } catch (IllegalStateException closedAlready) {
          // The connection is closed, and its dispatchers with it.
        }
      }
    }).subscribeOn(Schedulers.boundedElastic()).then(source.release());
  }

  /**
   * Turns a JetStream message into an event: header {@code Nats-Msg-Id} is the id (the stream's name and
   * the stream sequence without it), the other headers but JetStream's own ({@code Nats-*}) are the
   * metadata, each with its first value.
   *
   * @param streamName the stream's name
   * @param topic the topic
   * @param message the message
   * @param meta its JetStream metadata
   * @param acknowledger what acknowledges it
   * @return the event
   */
  static Event event(String streamName, String topic, Message message, NatsJetStreamMetaData meta,
      Acknowledger acknowledger) {
    Map<String, String> metadata = new LinkedHashMap<>();
    String id = null;
    Headers headers = message.getHeaders();
    if (headers != null) {
      for (String key : headers.keySet()) {
        if (key.equals("Nats-Msg-Id")) {
          id = headers.getFirst(key);
        } else if (!key.startsWith("Nats-")) {
          metadata.put(key, Objects.requireNonNullElse(headers.getFirst(key), ""));
        }
      }
    }
    byte[] data = message.getData() == null ? new byte[0] : message.getData();
    return Events.create(id != null ? id : streamName + "-" + meta.streamSequence(), topic,
        meta.timestamp().toInstant(), meta.streamSequence(), metadata, data, (int) meta.deliveredCount(),
        acknowledger);
  }

  static String durableName(String group, String topic) {
    String readable = topic.replace('.', '_');
    if (readable.length() > 60) {
      readable = readable.substring(0, 60);
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(topic.getBytes(StandardCharsets.UTF_8));
      return group + "_" + readable + "_" + HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One subscription: a member of a durable pull consumer. */
  private final class Member {
    final Conn c;
    final String topic;
    final ConsumeOptions options;
    final FluxSink<Event> sink;
    final String durable;
    final boolean fresh;
    final AtomicLong demand = new AtomicLong();
    final Map<Message, Disposable> held = new LinkedHashMap<>(); // Message has identity equality; kept in delivery order
    volatile @Nullable JetStreamSubscription subscription;
    volatile boolean disposed;
    final AtomicBoolean released = new AtomicBoolean();
    int outstanding;
    long generation;

    Member(Conn c, String topic, ConsumeOptions options, FluxSink<Event> sink) {
      this.c = c;
      this.topic = topic;
      this.options = options;
      this.sink = sink;
      this.fresh = options.group() == null;
      this.durable = durableName(Objects.requireNonNullElseGet(options.group(), () -> "fresh-" + Ids.random()), topic);
    }

    void start() {
      try {
        try {
          c.jsm().getConsumerInfo(streamName, durable);
        } catch (JetStreamApiException e) {
          if (e.getErrorCode() != 404) {
            throw e;
          }
          c.jsm().addOrUpdateConsumer(streamName, consumerConfiguration());
        }
        JetStreamSubscription sub = c.js().subscribe(subject(topic), c.dispatcher(), this::onMessage,
            PullSubscribeOptions.bind(streamName, durable));
        subscription = sub;
        if (disposed) {
          release();
          return;
        }
        maybePull();
      } catch (Exception e) {
        sink.error(MicroException.from(Topics.ERROR_ID, e));
      }
    }

    private ConsumerConfiguration consumerConfiguration() {
      ConsumerConfiguration.Builder builder = ConsumerConfiguration.builder()
          .durable(durable)
          .filterSubject(subject(topic))
          .ackPolicy(AckPolicy.Explicit)
          .ackWait(options.ackWait())
          .maxDeliver(options.maxDeliveries() > 0 ? options.maxDeliveries() + 1L : -1L)
          .maxAckPending(100_000);
      StartPosition start = options.start();
      if (start instanceof StartPosition.Sequence sequence && sequence.sequence() > 0) {
        builder.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(sequence.sequence());
      } else if (start instanceof StartPosition.Sequence) {
        builder.deliverPolicy(DeliverPolicy.All);
      } else if (start instanceof StartPosition.Time time) {
        builder.deliverPolicy(DeliverPolicy.ByStartTime).startTime(time.time().atZone(ZoneOffset.UTC));
      } else if (start == StartPosition.beginning()) {
        builder.deliverPolicy(DeliverPolicy.All);
      } else {
        builder.deliverPolicy(DeliverPolicy.New);
      }
      return builder.build();
    }

    void request(long n) {
      demand.getAndUpdate(d -> Operators.addCap(d, n));
      maybePull();
    }

    void maybePull() {
      JetStreamSubscription sub = subscription;
      int batch;
      long pull;
      synchronized (this) {
        if (disposed || sub == null || outstanding > 0) {
          return;
        }
        long want = Math.min(Math.min(demand.get(), options.maxInFlight() - held.size()), MAX_BATCH);
        if (want <= 0) {
          return;
        }
        batch = (int) want;
        outstanding = batch;
        pull = ++generation;
      }
      Schedulers.boundedElastic().schedule(() -> {
        try {
          sub.pullExpiresIn(batch, PULL_EXPIRES);
        } catch (RuntimeException e) {
          LOG.debug("pull on {} failed, renewed after it expires: {}", topic, e.toString());
        }
      });
      Schedulers.parallel().schedule(() -> pullExpired(pull), PULL_EXPIRES.toMillis() + 250, TimeUnit.MILLISECONDS);
    }

    private void pullExpired(long pull) {
      synchronized (this) {
        if (pull != generation) {
          return;
        }
        outstanding = 0;
      }
      maybePull();
    }

    void onMessage(Message message) {
      if (!message.isJetStream()) {
        return;
      }
      synchronized (this) {
        if (outstanding > 0 && --outstanding == 0) {
          generation++;
        }
      }
      if (disposed) {
        message.nak();
        return;
      }
      NatsJetStreamMetaData meta = message.metaData();
      if (options.maxDeliveries() > 0 && meta.deliveredCount() > options.maxDeliveries()) {
        deadLetter(message, meta);
        maybePull();
        return;
      }
      Event event = toEvent(message, meta);
      synchronized (this) {
        Disposable timer = Schedulers.parallel().schedule(() -> expired(message), options.ackWait().toMillis(),
            TimeUnit.MILLISECONDS);
        held.put(message, timer);
        demand.decrementAndGet();
      }
      sink.next(event);
      maybePull();
    }

    private Event toEvent(Message message, NatsJetStreamMetaData meta) {
      return event(streamName, topic, message, meta, new EventAcks(message));
    }

    private void deadLetter(Message message, NatsJetStreamMetaData meta) {
      String dlq = options.deadLetterTopic();
      if (dlq == null) {
        LOG.warn("event {} on {} dropped after {} deliveries (no dead-letter topic)", meta.streamSequence(), topic,
            options.maxDeliveries());
        message.ack();
        return;
      }
      Event event = toEvent(message, meta);
      Map<String, String> metadata = new LinkedHashMap<>(event.metadata());
      metadata.put(Event.DEAD_LETTER_TOPIC, topic);
      metadata.put(Event.DEAD_LETTER_ID, event.id());
      metadata.put(Event.DEAD_LETTER_DELIVERIES, Integer.toString(options.maxDeliveries()));
      JetStreamStream.this.publish(dlq, event.payload(), metadata)
          .retryWhen(Retry.backoff(5, Duration.ofMillis(200)))
          .subscribe(null,
              e -> LOG.error("dead letter of event " + event.id() + " on " + topic + " failed; it stays unacknowledged",
                  e),
              message::ack);
    }

    private void expired(Message message) {
      synchronized (this) {
        if (held.remove(message) == null) {
          return;
        }
      }
      maybePull();
    }

    private boolean forget(Message message) {
      Disposable timer;
      synchronized (this) {
        timer = held.remove(message);
      }
      if (timer != null) {
        timer.dispose();
      }
      return timer != null;
    }

    void dispose() {
      disposed = true;
      members.remove(this);
      if (!closed) {
        Schedulers.boundedElastic().schedule(this::release);
      }
    }

    // Stops pulling, gives unacknowledged events back at once and deletes a fresh group's consumer.
    private void release() {
      JetStreamSubscription sub = subscription;
      if (sub == null || !released.compareAndSet(false, true)) {
        return;
      }
      List<Message> unacked;
      synchronized (this) {
        unacked = new ArrayList<>(held.keySet());
        held.values().forEach(Disposable::dispose);
        held.clear();
      }
      try {
        if (sub != null && sub.isActive()) {
          c.dispatcher().unsubscribe(sub);
        }
        for (Message message : unacked) {
          message.nak();
        }
        if (fresh) {
          c.jsm().deleteConsumer(streamName, durable);
        }
      } catch (Exception e) {
        LOG.debug("releasing consumer {} failed: {}", durable, e.toString());
      }
    }

    private final class EventAcks implements Acknowledger {
      private final Message message;

      EventAcks(Message message) {
        this.message = message;
      }

      @Override
      public Mono<Void> ack() {
        return Mono.<Void>fromCallable(() -> {
          forget(message);
          message.ackSync(REQUEST_TIMEOUT);
          return null;
        }).subscribeOn(Schedulers.boundedElastic()).doFinally(s -> maybePull());
      }

      @Override
      public Mono<Void> nack(Duration delay) {
        return Mono.<Void>fromRunnable(() -> {
          forget(message);
          if (delay.isZero()) {
            message.nak();
          } else {
            message.nakWithDelay(delay);
          }
        }).subscribeOn(Schedulers.boundedElastic()).doFinally(s -> maybePull());
      }
    }
  }

  /** Builds a {@link JetStreamStream}. */
  public static final class Builder {
    private final Supplier<NatsConnectionSource> source;
    private String streamName = "micro-events";

    private Builder(Supplier<NatsConnectionSource> source) {
      this.source = source;
    }

    /**
     * Sets the JetStream stream that holds the topics, created with file storage when missing;
     * {@code micro-events} by default. Its subjects are {@code <name>.>}.
     *
     * @param streamName 1 to 64 letters, digits, {@code -} or {@code _}
     * @return this builder
     * @throws IllegalArgumentException when the name has characters NATS does not allow in one
     */
    public Builder streamName(String streamName) {
      if (!streamName.matches("[A-Za-z0-9_-]{1,64}")) {
        throw new IllegalArgumentException("stream name must be 1 to 64 letters, digits, '-' or '_': " + streamName);
      }
      this.streamName = streamName;
      return this;
    }

    /**
     * Returns the stream; it connects on its first operation.
     *
     * @return the stream
     */
    public JetStreamStream build() {
      return new JetStreamStream(source.get(), streamName);
    }
  }
}
