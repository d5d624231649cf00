package io.reactivemicro.test.broker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.Message;
import io.reactivemicro.broker.Overflow;
import io.reactivemicro.broker.SubscribeOptions;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.test.ApplicationClient;
import io.reactivemicro.test.BackendContract;
import io.reactivemicro.test.SharedClientChecks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * The behaviour every {@link Broker} shares, as a suite each implementation runs by extending this
 * class ({@code MemoryBrokerTest}, {@code NatsBrokerTest}, ...).
 *
 * <p>Each test publishes through one broker instance and subscribes through another (two peers of the
 * same backend; the same instance where the backend lives in one JVM), on topics and queues of its own
 * with a random prefix. What a backend keeps on its server after a test is removed by
 * {@link #cleanUp(List, List)}. A subscription is used only once its {@link SubscribeOptions#onActive()}
 * has run.
 *
 * <p>How a backend is made is tested too, through the hooks of {@link BackendContract}, whose defaults
 * skip those tests: a broker made from {@link #settingsChoosingThisBackend()} must deliver what it
 * publishes to its own subscribers.
 *
 * <pre>{@code
 * class NatsBrokerTest extends BrokerContract {
 *   @Override protected Broker createBroker() {
 *     return NatsBroker.builder(List.of("127.0.0.1:4222")).build();
 *   }
 *
 *   @Override protected Settings settingsChoosingThisBackend() {
 *     return Settings.empty().with("broker", "nats").with("broker_address", "127.0.0.1:4222");
 *   }
 * }
 * }</pre>
 */
public abstract class BrokerContract extends BackendContract<Broker> {

  /** How long any expected delivery may take. */
  protected static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final String prefix = "contract-" + UUID.randomUUID().toString().substring(0, 8) + "-";
  private final List<String> topics = new CopyOnWriteArrayList<>();
  private final List<String> queues = new CopyOnWriteArrayList<>();
  private final List<Disposable> subscriptions = new CopyOnWriteArrayList<>();
  private final AtomicInteger names = new AtomicInteger();

  /** The broker tests publish through. */
  protected Broker publisher;
  /** The broker tests subscribe through: another peer, or the same instance. */
  protected Broker subscriber;

  /**
   * Returns a new broker of the backend under test; called twice before each test. Brokers that exist
   * once per JVM (memory) return the same instance.
   */
  protected abstract Broker createBroker();

  /**
   * Returns whether the backend slows the publisher down for a slow subscriber (RabbitMQ) instead of
   * bounding a buffer with an {@link Overflow} policy.
   */
  protected boolean honoursDemand() {
    return false;
  }

  /**
   * Returns whether {@link Broker#close()} ends the broker's open subscriptions; the JVM-wide memory
   * broker outlives any one user, so its close does nothing.
   */
  protected boolean closeEndsSubscriptions() {
    return true;
  }

  /**
   * Checks that nothing of a cancelled subscription is left on the backend (a queue, a registration, a
   * server-side subscription). Called once no subscription of the topic is open; the default checks
   * nothing.
   *
   * @param topic the topic whose subscriptions were all cancelled
   */
  protected void assertReleased(String topic) {}

  /**
   * Removes what the test left on the server: durable queues, keys. The default does nothing.
   *
   * @param topics the topics used
   * @param queues the queue names used
   */
  protected void cleanUp(List<String> topics, List<String> queues) {}

  @BeforeEach
  void createBrokers() {
    publisher = createBroker();
    subscriber = createBroker();
  }

  @AfterEach
  void closeBrokers() {
    subscriptions.forEach(Disposable::dispose);
    try {
      cleanUp(List.copyOf(topics), List.copyOf(queues));
    } finally {
      publisher.close().block(TIMEOUT);
      if (subscriber != publisher) {
        subscriber.close().block(TIMEOUT);
      }
    }
  }

  /** Returns a fresh topic name, remembered for clean-up; any thread may ask for one. */
  protected String topic() {
    String topic = prefix + "topic-" + names.getAndIncrement();
    topics.add(topic);
    return topic;
  }

  /** Returns a fresh queue name, remembered for clean-up; any thread may ask for one. */
  protected String queue() {
    String queue = prefix + "queue-" + names.getAndIncrement();
    queues.add(queue);
    return queue;
  }

  /** A subscription collecting what it receives, active once this returns. */
  protected final class Collector {
    final ConcurrentLinkedQueue<Message> received = new ConcurrentLinkedQueue<>();
    final Sinks.Many<Message> signals = Sinks.many().replay().all();
    final Disposable disposable;
    volatile @Nullable Throwable error;

    Collector(String topic, SubscribeOptions options) {
      Sinks.Empty<Void> active = Sinks.empty();
      disposable = subscriber.subscribe(topic, options.withOnActive(active::tryEmitEmpty))
          .subscribe(message -> {
            received.add(message);
            signals.tryEmitNext(message);
          }, e -> {
            error = e;
            active.tryEmitError(e);
          });
      subscriptions.add(disposable);
      active.asMono().block(TIMEOUT);
    }

    /** Waits until {@code count} messages arrived. */
    void await(int count) {
      signals.asFlux().take(count).then().block(TIMEOUT);
    }

    List<String> bodies() {
      return received.stream().map(m -> new String(m.body(), UTF_8)).toList();
    }
  }

  private Collector collect(String topic, SubscribeOptions options) {
    return new Collector(topic, options);
  }

  private void publishAll(String topic, List<String> bodies) {
    Flux.fromIterable(bodies)
        .concatMap(body -> publisher.publish(topic, Message.of(body.getBytes(UTF_8))))
        .then().block(TIMEOUT);
  }

  private static List<String> numbered(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
  }

  /** Subscribes to {@code topic} through {@code to}, publishes {@code body} through {@code from} and expects it. */
  private static void expectDelivered(Broker to, Broker from, String topic, String body) {
    Sinks.Empty<Void> active = Sinks.empty();
    StepVerifier.create(to.subscribe(topic, SubscribeOptions.defaults().withOnActive(active::tryEmitEmpty))
            .map(message -> new String(message.body(), UTF_8)))
        .then(() -> active.asMono().then(from.publish(topic, Message.of(body.getBytes(UTF_8)))).block(TIMEOUT))
        .expectNext(body)
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  @DisplayName("every subscriber without a queue receives every message, in order")
  void everySubscriberReceivesEveryMessage() {
    String topic = topic();
    List<Collector> collectors = List.of(collect(topic, SubscribeOptions.defaults()), collect(topic, SubscribeOptions.defaults()),
        collect(topic, SubscribeOptions.defaults()));
    List<String> bodies = numbered("m", 20);
    publishAll(topic, bodies);
    for (Collector collector : collectors) {
      collector.await(bodies.size());
      assertThat(collector.bodies()).containsExactlyElementsOf(bodies);
    }
  }

  @Test
  @DisplayName("subscribers sharing a queue compete: each message reaches one of them, and each queue gets every message")
  void queueSubscribersCompete() {
    String topic = topic();
    String billing = queue();
    String audit = queue();
    Collector first = collect(topic, SubscribeOptions.defaults().withQueue(billing));
    Collector second = collect(topic, SubscribeOptions.defaults().withQueue(billing));
    Collector auditor = collect(topic, SubscribeOptions.defaults().withQueue(audit));
    Collector everything = collect(topic, SubscribeOptions.defaults());
    List<String> bodies = numbered("q", 40);
    publishAll(topic, bodies);

    everything.await(bodies.size());
    auditor.await(bodies.size());
    Flux.merge(first.signals.asFlux(), second.signals.asFlux()).take(bodies.size()).then().block(TIMEOUT);
    // A second delivery of any message, which must not come, would arrive within this pause.
    Mono.delay(Duration.ofMillis(500)).block();
    List<String> billed = new ArrayList<>(first.bodies());
    billed.addAll(second.bodies());
    assertThat(billed).containsExactlyInAnyOrderElementsOf(bodies);
    assertThat(first.received).isNotEmpty();
    assertThat(second.received).isNotEmpty();
    assertThat(auditor.bodies()).containsExactlyInAnyOrderElementsOf(bodies);
    assertThat(everything.bodies()).containsExactlyElementsOf(bodies);
  }

  @Test
  @DisplayName("headers travel with the body")
  void headersRoundTrip() {
    String topic = topic();
    Collector collector = collect(topic, SubscribeOptions.defaults());
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("X-Request-Id", "42");
    headers.put("x-lower", "value with spaces, commas; and: colons");
    headers.put("X-Unicode", "grüße 你好");
    headers.put("X-Empty", "");
    Message sent = Message.of(headers, "{\"a\":1}".getBytes(UTF_8));
    publisher.publish(topic, sent).block(TIMEOUT);
    collector.await(1);
    Message received = collector.received.peek();
    assertThat(received).isNotNull();
    assertThat(received.headers()).isEqualTo(headers);
    assertThat(received.body()).isEqualTo(sent.body());
  }

  @Test
  @DisplayName("binary bodies arrive byte for byte, the empty one too")
  void binaryBodyRoundTrip() {
    String topic = topic();
    Collector collector = collect(topic, SubscribeOptions.defaults());
    byte[] every = new byte[256];
    for (int i = 0; i < every.length; i++) {
      every[i] = (byte) i;
    }
    byte[] large = new byte[200 * 1024];
    new Random(7).nextBytes(large);
    List<byte[]> bodies = List.of(every, new byte[0], large);
    Flux.fromIterable(bodies).concatMap(body -> publisher.publish(topic, Message.of(body))).then().block(TIMEOUT);
    collector.await(bodies.size());
    List<Message> received = List.copyOf(collector.received);
    for (int i = 0; i < bodies.size(); i++) {
      assertThat(received.get(i).body()).isEqualTo(bodies.get(i));
    }
  }

  @Test
  @DisplayName("cancelling a subscription unsubscribes: no further delivery, nothing left on the backend")
  void cancellingUnsubscribes() {
    String topic = topic();
    Collector leaving = collect(topic, SubscribeOptions.defaults());
    Collector staying = collect(topic, SubscribeOptions.defaults());
    String queue = queue();
    Collector queued = collect(topic, SubscribeOptions.defaults().withQueue(queue));
    publishAll(topic, List.of("before"));
    leaving.await(1);
    queued.await(1);
    leaving.disposable.dispose();
    queued.disposable.dispose();
    publishAll(topic, List.of("after"));
    staying.await(2);
    // A delivery to the cancelled subscriptions, which must not come, would arrive within this pause.
    Mono.delay(Duration.ofMillis(300)).block();
    assertThat(leaving.bodies()).containsExactly("before");
    assertThat(queued.bodies()).containsExactly("before");
    staying.disposable.dispose();
    assertReleased(topic);
  }

  @Test
  @DisplayName("many subscriptions at once each receive the messages of their topic")
  void manyConcurrentSubscriptions() {
    List<String> manyTopics = IntStream.range(0, 8).mapToObj(i -> topic()).toList();
    List<Flux<Message>> subscribed = new ArrayList<>();
    List<Mono<Void>> actives = new ArrayList<>();
    for (String topic : manyTopics) {
      for (int i = 0; i < 8; i++) {
        Sinks.Empty<Void> active = Sinks.empty();
        actives.add(active.asMono());
        subscribed.add(subscriber.subscribe(topic, SubscribeOptions.defaults().withOnActive(active::tryEmitEmpty)));
      }
    }
    List<CompletableFuture<List<Message>>> results = subscribed.stream()
        .map(flux -> flux.take(2).collectList().toFuture()).toList();
    Mono.when(actives).block(TIMEOUT);
    Flux.fromIterable(manyTopics)
        .flatMap(topic -> publisher.publish(topic, Message.of(Map.of("topic", topic), topic.getBytes(UTF_8)))
            .then(publisher.publish(topic, Message.of(Map.of("topic", topic), "second".getBytes(UTF_8)))))
        .then().block(TIMEOUT);
    for (int i = 0; i < results.size(); i++) {
      String topic = manyTopics.get(i / 8);
      List<Message> messages = results.get(i).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
      assertThat(messages).hasSize(2).allSatisfy(m -> assertThat(m.headers()).containsEntry("topic", topic));
      assertThat(new String(messages.get(0).body(), UTF_8)).isEqualTo(topic);
    }
  }

  @Test
  @DisplayName("a slow subscriber slows the publisher, or its bounded buffer overflows as its policy says")
  void slowSubscriberIsBounded() {
    String topic = topic();
    int bufferSize = 8;
    int count = 100;
    List<String> bodies = numbered("s", count);
    Sinks.Empty<Void> active = Sinks.empty();
    Flux<String> slow = subscriber.subscribe(topic, SubscribeOptions.defaults().withBufferSize(bufferSize)
            .withOverflow(Overflow.ERROR).withOnActive(active::tryEmitEmpty))
        .map(m -> new String(m.body(), UTF_8));
    if (honoursDemand()) {
      StepVerifier.create(slow, 0)
          .then(() -> active.asMono().block(TIMEOUT))
          .then(() -> publishAll(topic, bodies))
          .thenRequest(1)
          .expectNext("s0")
          .thenRequest(count)
          .expectNextSequence(bodies.subList(1, count))
          .thenCancel()
          .verify(TIMEOUT);
    } else {
      StepVerifier.create(slow, 0)
          .then(() -> active.asMono().block(TIMEOUT))
          .then(() -> publishAll(topic, bodies))
          .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MicroException.class)
              .satisfies(m -> assertThat(((MicroException) m).code()).isEqualTo(429)))
          .verify(TIMEOUT);
      // The default policy keeps the newest messages and goes on.
      Sinks.Empty<Void> again = Sinks.empty();
      Flux<String> dropping = subscriber.subscribe(topic, SubscribeOptions.defaults().withBufferSize(bufferSize)
              .withOnActive(again::tryEmitEmpty))
          .map(m -> new String(m.body(), UTF_8));
      StepVerifier.create(dropping, 0)
          .then(() -> again.asMono().block(TIMEOUT))
          .then(() -> publishAll(topic, bodies))
          .then(() -> publishAll(topic, List.of("last")))
          .thenRequest(Long.MAX_VALUE)
          .thenConsumeWhile(body -> !body.equals("last"))
          .expectNext("last")
          .thenCancel()
          .verify(TIMEOUT);
    }
  }

  @Test
  @DisplayName("closing the broker ends its open subscriptions")
  void closingEndsSubscriptions() {
    String topic = topic();
    String queue = queue();
    Broker closing = createBroker();
    List<Mono<Void>> ends = new ArrayList<>();
    List<Mono<Void>> actives = new ArrayList<>();
    for (String q : java.util.Arrays.asList(null, queue)) {
      Sinks.Empty<Void> active = Sinks.empty();
      actives.add(active.asMono());
      // Ending with an error is allowed too: the subscription must not hang.
      ends.add(closing.subscribe(topic, SubscribeOptions.defaults().withQueue(q).withOnActive(active::tryEmitEmpty))
          .then().onErrorResume(e -> Mono.empty()).cache());
    }
    ends.forEach(end -> end.subscribe());
    Mono.when(actives).block(TIMEOUT);
    closing.close().block(TIMEOUT);
    if (closeEndsSubscriptions()) {
      Mono.when(ends).block(TIMEOUT);
    } else {
      StepVerifier.create(Mono.when(ends)).expectSubscription().expectNoEvent(Duration.ofMillis(200)).thenCancel()
          .verify(TIMEOUT);
    }
  }

  @Test
  @DisplayName("a blank topic is a 400")
  void blankTopicIsRejected() {
    StepVerifier.create(publisher.publish(" ", Message.of(new byte[0])))
        .expectErrorSatisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(400))
        .verify(TIMEOUT);
    StepVerifier.create(subscriber.subscribe(""))
        .expectErrorSatisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(400))
        .verify(TIMEOUT);
  }

  @Test
  @DisplayName("settings choose this backend, which delivers what it publishes")
  void settingsChooseThisBackend() {
    Settings settings = settings();
    Broker chosen = Broker.fromSettings(settings);
    try {
      assertThat(chosen).hasSameClassAs(publisher);
      assertThat(chosen.name()).isEqualTo(settings.get("broker").orElseThrow());
      expectDelivered(chosen, chosen, topic(), "hello");
      assertChosen(chosen);
    } finally {
      chosen.close().block(TIMEOUT);
    }
  }

  @Test
  @DisplayName("an unreachable server fails the publish with a 503, not the creation")
  void unreachableServerFailsThePublishNotTheCreation() {
    Broker broker = orSkip(unreachable(), "the backend has no server to be unreachable");
    try {
      StepVerifier.create(broker.publish(topic(), Message.of(new byte[0])))
          .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(MicroException.class,
              m -> assertThat(m.code()).isEqualTo(503)))
          .verify(TIMEOUT);
    } finally {
      broker.close().block(TIMEOUT);
    }
  }

  @Test
  @DisplayName("brokers from settings share one client until the last closes")
  void brokersFromSettingsShareOneClientUntilTheLastCloses() {
    String key = orSkip(sharedClientKey(), "brokers from settings share no client");
    Settings settings = settings();
    String topic = topic();
    SharedClientChecks.shareOneClientUntilTheLastCloses(key, () -> Broker.fromSettings(settings), Broker::close,
        (subscribing, publishing) -> expectDelivered(subscribing, publishing, topic, "hello"),
        publishing -> publishing.publish(topic, Message.of("again".getBytes(UTF_8))).block(TIMEOUT));
  }

  @Test
  @DisplayName("brokers from settings created and closed concurrently all work and release the client")
  void brokersFromSettingsCreatedAndClosedConcurrentlyAllWorkAndReleaseTheClient() throws Exception {
    String key = orSkip(sharedClientKey(), "brokers from settings share no client");
    Settings settings = settings();
    SharedClientChecks.createdAndClosedConcurrently(key, () -> Broker.fromSettings(settings), Broker::close,
        (broker, thread) -> expectDelivered(broker, broker, topic(), "m"));
  }

  /**
   * Two brokers on the application's client: the first subscribes to a topic of the test
   * ({@link #topic()}), the second subscribes to it in a queue ({@link #queue()}) and publishes one message,
   * which both receive. A third broker, made after they closed, delivers a message to itself.
   */
  @Test
  @DisplayName("brokers on a client of the application leave it open when they close")
  void brokersOnAClientOfTheApplicationLeaveItOpenWhenTheyClose() throws Exception {
    ApplicationClient<Broker> client = orSkip(applicationClient(), "the backend takes no client");
    String topic = topic();
    String queue = queue();
    SharedClientChecks.leftOpenByBackendsBuiltOnIt(client, Broker::close, (first, second) -> {
      Sinks.Empty<Void> channelActive = Sinks.empty();
      Sinks.Empty<Void> queueActive = Sinks.empty();
      StepVerifier.create(first.subscribe(topic, SubscribeOptions.defaults().withOnActive(channelActive::tryEmitEmpty))
              .mergeWith(second.subscribe(topic, SubscribeOptions.defaults().withQueue(queue)
                  .withOnActive(queueActive::tryEmitEmpty)))
              .map(message -> new String(message.body(), UTF_8)))
          .then(() -> Mono.when(channelActive.asMono(), queueActive.asMono())
              .then(second.publish(topic, Message.of("hello".getBytes(UTF_8))))
              .block(TIMEOUT))
          .expectNext("hello", "hello")
          .thenCancel()
          .verify(TIMEOUT);
    }, third -> expectDelivered(third, third, topic(), "again"));
  }
}
