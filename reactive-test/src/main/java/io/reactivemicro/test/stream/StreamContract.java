package io.reactivemicro.test.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.stream.ConsumeOptions;
import io.reactivemicro.stream.Event;
import io.reactivemicro.stream.StartPosition;
import io.reactivemicro.stream.Stream;
import io.reactivemicro.test.ApplicationClient;
import io.reactivemicro.test.Await;
import io.reactivemicro.test.BackendContract;
import io.reactivemicro.test.SharedClientChecks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The behaviour every {@link Stream} shares, as a suite each backend runs by extending this class.
 *
 * <p>Each test uses topics and groups of its own (random names), so backends on shared servers need no
 * cleaning between tests; {@link #cleanUp(List)} is given every topic a test used. Timing-based checks
 * only ever assert lower bounds (a redelivery does not come before its delay) and generous "eventually"
 * upper bounds.
 *
 * <p>How a backend is made is tested too, through the hooks of {@link BackendContract}, whose defaults
 * skip those tests: a stream made from {@link #settingsChoosingThisBackend()} must consume what it
 * published on a topic of the test ({@link #topic(String)}), so its settings name a namespace that
 * {@link #cleanUp(List)} cleans, or a place of their own.
 *
 * <pre>{@code
 * class RedisStreamTest extends StreamContract {
 *   @Override protected Stream stream() { return stream; }
 *   @Override protected void cleanUp(List<String> topics) { ... delete the keys ... }
 * }
 * }</pre>
 */
public abstract class StreamContract extends BackendContract<Stream> {

  /** How long an expected event may take to arrive. */
  protected static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String prefix = "contract-" + UUID.randomUUID().toString().substring(0, 8) + "-";
  private final List<String> topics = new CopyOnWriteArrayList<>();
  private final List<Disposable> subscriptions = new CopyOnWriteArrayList<>();
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();

  /**
   * Returns the stream under test; the same instance throughout one test, a fresh one for each test. The
   * suite closes it after the test (a test that closed it already is fine: closing twice is harmless).
   */
  protected abstract Stream stream();

  /** Returns the short ack wait the redelivery tests use; no shorter than the backend honours. */
  protected Duration shortAckWait() {
    return Duration.ofSeconds(1);
  }

  /**
   * Removes what the test left in the backend, once {@link #stream()} is closed; {@code topics} are every
   * topic it used.
   */
  protected void cleanUp(List<String> topics) {}

  /** Cancels what the test consumed, closes the stream and cleans up. */
  @AfterEach
  void cancelCloseAndCleanUp() {
    subscriptions.forEach(Disposable::dispose);
    try {
      stream().close().block(TIMEOUT);
    } finally {
      cleanUp(List.copyOf(topics));
    }
  }

  /** Returns a fresh topic name, remembered for {@link #cleanUp(List)}. */
  protected String topic(String name) {
    String topic = prefix + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    topics.add(topic);
    return topic;
  }

  /** Returns a fresh group name. */
  protected static String group(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Returns {@code text} as UTF-8. */
  protected static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Returns an event's payload as text. */
  protected static String text(Event event) {
    return new String(event.payload(), StandardCharsets.UTF_8);
  }

  /** Publishes {@code payloads} one after the other. */
  protected void publish(String topic, String... payloads) {
    Flux.fromArray(payloads)
        .concatMap(p -> stream().publish(topic, bytes(p)))
        .then()
        .block(TIMEOUT);
  }

  private static ConsumeOptions fromBeginning() {
    return ConsumeOptions.defaults().withStart(StartPosition.beginning());
  }

  private static ConsumeOptions manual(String group) {
    return fromBeginning().withGroup(group).withAutoAck(false);
  }

  /** Subscribes and collects into a list, cancelled after the test. */
  private List<Event> collect(Flux<Event> events) {
    List<Event> received = new CopyOnWriteArrayList<>();
    subscriptions.add(events.subscribe(received::add, errors::add));
    return received;
  }

  /** Waits until {@code condition} holds; a timeout carries what the test's consumers failed with. */
  private void await(String what, Duration timeout, BooleanSupplier condition) {
    try {
      Await.until(what, timeout, condition);
    } catch (AssertionError timedOut) {
      errors.forEach(timedOut::addSuppressed);
      throw timedOut;
    }
  }

  private static List<String> texts(List<Event> events) {
    return events.stream().map(StreamContract::text).collect(Collectors.toList());
  }

  /** Lets time pass, where a test shows that something does not happen. */
  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Publishes {@code payload} through {@code producer}; {@code consumer} must consume it from the beginning. */
  private static void publishedAndConsumed(Stream producer, Stream consumer, String topic, String payload) {
    producer.publish(topic, bytes(payload)).block(TIMEOUT);
    expectFirst(consumer, topic, payload);
  }

  /** Expects the first event of {@code topic} to carry {@code payload}. */
  private static void expectFirst(Stream consumer, String topic, String payload) {
    StepVerifier.create(consumer.consume(topic, fromBeginning()).map(StreamContract::text))
        .expectNext(payload)
        .thenCancel()
        .verify(TIMEOUT);
  }

  private static String[] numbered(int count) {
    return IntStream.range(0, count).mapToObj(Integer::toString).toArray(String[]::new);
  }

  // --- publish and consume ---

  @Test
  void publishedEventIsConsumedWithItsFields() {
    String topic = topic("fields");
    Instant before = Instant.now().minusSeconds(60);
    stream().publish(topic, bytes("hello"), Map.of("kind", "greeting")).block(TIMEOUT);

    StepVerifier.create(stream().consume(topic, fromBeginning()).take(1))
        .assertNext(event -> {
          assertThat(event.id()).isNotBlank();
          assertThat(event.topic()).isEqualTo(topic);
          assertThat(text(event)).isEqualTo("hello");
          assertThat(event.metadata()).containsEntry("kind", "greeting");
          assertThat(event.deliveryCount()).isEqualTo(1);
          assertThat(event.sequence()).isPositive();
          assertThat(event.timestamp()).isBetween(before, Instant.now().plusSeconds(60));
        })
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void eachConsumerGetsTheTopicInOrder() {
    String topic = topic("order");
    publish(topic, numbered(20));

    List<Event> events = stream().consume(topic, fromBeginning()).take(20).collectList().block(TIMEOUT);

    assertThat(texts(events)).containsExactly(numbered(20));
    assertThat(events).extracting(Event::sequence).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void consumerReceivesNoMoreThanItRequests() {
    String topic = topic("demand");
    publish(topic, numbered(6));

    StepVerifier.create(stream().consume(topic, manual(group("demand"))), 0)
        .thenRequest(2)
        .expectNextCount(2)
        .expectNoEvent(Duration.ofMillis(500))
        .thenRequest(3)
        .expectNextCount(3)
        .expectNoEvent(Duration.ofMillis(500))
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void badTopicIsABadRequest() {
    assertThatThrownBy(() -> stream().publish("no spaces here", bytes("x")).block(TIMEOUT))
        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(400));
    StepVerifier.create(stream().consume("", ConsumeOptions.defaults()))
        .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(MicroException.class,
            m -> assertThat(m.code()).isEqualTo(400)))
        .verify(TIMEOUT);
  }

  // --- acknowledgement and redelivery ---

  @Test
  void acknowledgedEventIsNotRedelivered() {
    String topic = topic("ack");
    String group = group("ack");
    publish(topic, "first");
    ConsumeOptions options = manual(group).withAckWait(shortAckWait());

    StepVerifier.create(stream().consume(topic, options).concatMap(e -> e.ack().thenReturn(e)))
        .assertNext(e -> assertThat(text(e)).isEqualTo("first"))
        .expectNoEvent(shortAckWait().multipliedBy(3))
        .thenCancel()
        .verify(TIMEOUT);

    publish(topic, "second");
    StepVerifier.create(stream().consume(topic, options).take(1))
        .assertNext(e -> assertThat(text(e)).isEqualTo("second"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void unacknowledgedEventIsRedeliveredAfterTheAckWait() {
    String topic = topic("ackwait");
    publish(topic, "slow");
    long[] first = new long[1];

    StepVerifier.create(stream().consume(topic, manual(group("ackwait")).withAckWait(shortAckWait())))
        .assertNext(e -> {
          first[0] = System.nanoTime();
          assertThat(e.deliveryCount()).isEqualTo(1);
        })
        .assertNext(e -> {
          assertThat(text(e)).isEqualTo("slow");
          assertThat(e.deliveryCount()).isEqualTo(2);
          assertThat(Duration.ofNanos(System.nanoTime() - first[0]))
              .isGreaterThanOrEqualTo(shortAckWait().minusMillis(100));
        })
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void nackedEventIsRedeliveredAfterItsDelay() {
    String topic = topic("nack");
    publish(topic, "again");
    Duration delay = Duration.ofMillis(1500);
    long[] nacked = new long[1];
    ConsumeOptions options = manual(group("nack")).withAckWait(Duration.ofSeconds(60));

    StepVerifier.create(stream().consume(topic, options)
            .concatMap(e -> e.deliveryCount() == 1
                ? e.nack(delay).doOnSuccess(v -> nacked[0] = System.nanoTime()).thenReturn(e)
                : Mono.just(e)))
        .assertNext(e -> assertThat(e.deliveryCount()).isEqualTo(1))
        .assertNext(e -> {
          assertThat(text(e)).isEqualTo("again");
          assertThat(e.deliveryCount()).isEqualTo(2);
          assertThat(Duration.ofNanos(System.nanoTime() - nacked[0])).isGreaterThanOrEqualTo(delay.minusMillis(200));
        })
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void nackWithoutDelayRedeliversAtOnce() {
    String topic = topic("nack0");
    publish(topic, "now");
    ConsumeOptions options = manual(group("nack0")).withAckWait(Duration.ofSeconds(60));

    StepVerifier.create(stream().consume(topic, options)
            .concatMap(e -> e.deliveryCount() == 1 ? e.nack().thenReturn(e) : Mono.just(e)))
        .assertNext(e -> assertThat(e.deliveryCount()).isEqualTo(1))
        .assertNext(e -> assertThat(e.deliveryCount()).isEqualTo(2))
        .thenCancel()
        .verify(Duration.ofSeconds(20));
  }

  @Test
  void eventGoesToTheDeadLetterTopicAfterMaxDeliveries() {
    String topic = topic("poison");
    String dead = topic("dead");
    publish(topic, "poison");
    ConsumeOptions options = manual(group("poison")).withAckWait(Duration.ofSeconds(60)).withMaxDeliveries(2)
        .withDeadLetterTopic(dead);
    List<Event> deliveries = collect(stream().consume(topic, options)
        .concatMap(e -> e.nack().thenReturn(e)));

    Event letter = stream().consume(dead, fromBeginning()).blockFirst(TIMEOUT);

    assertThat(letter).isNotNull();
    assertThat(text(letter)).isEqualTo("poison");
    assertThat(letter.metadata())
        .containsEntry(Event.DEAD_LETTER_TOPIC, topic)
        .containsEntry(Event.DEAD_LETTER_DELIVERIES, "2");
    await("both deliveries are seen", TIMEOUT, () -> deliveries.size() >= 2);
    // A third delivery, which must not come, would arrive within this pause.
    pause(Duration.ofSeconds(1));
    assertThat(deliveries).extracting(Event::deliveryCount).containsExactly(1, 2);
  }

  @Test
  void cancelledConsumersUnacknowledgedEventsGoToAnotherMember() {
    String topic = topic("handover");
    String group = group("handover");
    publish(topic, numbered(3));
    ConsumeOptions options = manual(group).withAckWait(Duration.ofSeconds(120));

    List<Event> held = stream().consume(topic, options).take(3).collectList().block(TIMEOUT);
    assertThat(texts(held)).containsExactly("0", "1", "2");

    List<Event> next = stream().consume(topic, options).take(3).collectList().block(TIMEOUT);
    assertThat(texts(next)).containsExactlyInAnyOrder("0", "1", "2");
    assertThat(next).extracting(Event::deliveryCount).containsOnly(2);
  }

  @Test
  void groupResumesAfterItsLastAcknowledgedEvent() {
    String topic = topic("resume");
    String group = group("resume");
    publish(topic, numbered(5));
    ConsumeOptions options = manual(group);

    List<Event> first = stream().consume(topic, options).concatMap(e -> e.ack().thenReturn(e)).take(3)
        .collectList().block(TIMEOUT);
    assertThat(texts(first)).containsExactly("0", "1", "2");

    List<Event> rest = stream().consume(topic, options.withStart(StartPosition.beginning())).take(2)
        .collectList().block(TIMEOUT);
    assertThat(texts(rest)).containsExactly("3", "4");
  }

  @Test
  void autoAckAcknowledgesWhatTheSubscriberReceived() {
    String topic = topic("auto");
    String group = group("auto");
    publish(topic, numbered(3));
    ConsumeOptions options = fromBeginning().withGroup(group).withAckWait(shortAckWait());
    List<Event> received = collect(stream().consume(topic, options));

    await("three events arrive", TIMEOUT, () -> received.size() == 3);
    // Had the events not been acknowledged, they would be delivered again within three ack waits.
    pause(shortAckWait().multipliedBy(3));

    assertThat(texts(received)).containsExactly("0", "1", "2");
  }

  // --- replay ---

  @Test
  void replayFromTheBeginning() {
    String topic = topic("replay");
    publish(topic, numbered(5));
    stream().consume(topic, fromBeginning()).take(5).blockLast(TIMEOUT);

    List<Event> again = stream().consume(topic, fromBeginning()).take(5).collectList().block(TIMEOUT);

    assertThat(texts(again)).containsExactly(numbered(5));
  }

  @Test
  void replayFromASequence() {
    String topic = topic("sequence");
    publish(topic, numbered(5));
    List<Event> all = stream().consume(topic, fromBeginning()).take(5).collectList().block(TIMEOUT);

    ConsumeOptions options = ConsumeOptions.defaults().withStart(StartPosition.sequence(all.get(2).sequence()));
    List<Event> tail = stream().consume(topic, options).take(3).collectList().block(TIMEOUT);

    assertThat(texts(tail)).containsExactly("2", "3", "4");
    assertThat(tail.get(0).sequence()).isEqualTo(all.get(2).sequence());
  }

  @Test
  void replayFromATime() {
    String topic = topic("time");
    publish(topic, "0", "1");
    // The second pair must have a later timestamp than the first.
    pause(Duration.ofMillis(50));
    publish(topic, "2", "3");
    List<Event> all = stream().consume(topic, fromBeginning()).take(4).collectList().block(TIMEOUT);

    ConsumeOptions options = ConsumeOptions.defaults().withStart(StartPosition.time(all.get(2).timestamp()));
    List<Event> tail = stream().consume(topic, options).take(2).collectList().block(TIMEOUT);

    assertThat(texts(tail)).containsExactly("2", "3");
  }

  @Test
  void startAtLatestSkipsEarlierEvents() {
    String topic = topic("latest");
    publish(topic, "old");
    List<Event> received = collect(stream().consume(topic, ConsumeOptions.defaults()));

    // The consumer joins asynchronously: publish markers until one arrives.
    int[] marker = {0};
    await("a marker arrives", TIMEOUT, () -> {
      publish(topic, "marker-" + marker[0]++);
      return !received.isEmpty();
    });

    assertThat(texts(received)).allMatch(text -> text.startsWith("marker-"));
  }

  // --- groups ---

  @Test
  void consumersOfOneGroupSplitTheEvents() {
    String topic = topic("split");
    String group = group("split");
    ConsumeOptions options = manual(group).withMaxInFlight(10).withAckWait(Duration.ofSeconds(120));
    List<Event> first = collect(stream().consume(topic, options));
    List<Event> second = collect(stream().consume(topic, options));

    publish(topic, numbered(20));

    await("all twenty arrive", TIMEOUT, () -> first.size() + second.size() == 20);
    assertThat(first).hasSize(10);
    assertThat(second).hasSize(10);
    Set<String> all = new HashSet<>(texts(first));
    all.addAll(texts(second));
    assertThat(all).containsExactlyInAnyOrder(numbered(20));
  }

  @Test
  void distinctGroupsEachGetEveryEvent() {
    String topic = topic("broadcast");
    List<Event> first = collect(stream().consume(topic, fromBeginning().withGroup(group("one"))));
    List<Event> second = collect(stream().consume(topic, fromBeginning().withGroup(group("two"))));
    List<Event> own = collect(stream().consume(topic, fromBeginning()));

    publish(topic, numbered(10));

    await("every group gets all ten", TIMEOUT, () -> first.size() == 10 && second.size() == 10 && own.size() == 10);
    assertThat(texts(first)).containsExactly(numbered(10));
    assertThat(texts(second)).containsExactly(numbered(10));
    assertThat(texts(own)).containsExactly(numbered(10));
  }

  // --- scale and memory ---

  @Test
  void oneServiceConsumesAThousandTopicsConcurrently() {
    List<String> many = IntStream.range(0, 1000).mapToObj(i -> topic("many" + i)).toList();
    Map<String, String> received = new ConcurrentHashMap<>();
    Disposable consumers = Flux.fromIterable(many)
        .flatMap(t -> stream().consume(t, fromBeginning()).take(1), 1000)
        .subscribe(e -> received.put(e.topic(), text(e)), errors::add);
    subscriptions.add(consumers);

    Flux.fromIterable(many).flatMap(t -> stream().publish(t, bytes("to " + t)), 64).blockLast(TIMEOUT.multipliedBy(2));

    await("every topic's event arrives", TIMEOUT.multipliedBy(3), () -> received.size() == many.size());
    assertThat(errors).isEmpty();
    assertThat(received).hasSize(1000);
    assertThat(received).allSatisfy((t, payload) -> assertThat(payload).isEqualTo("to " + t));
  }

  @Test
  void slowConsumerHoldsABoundedNumberOfEventsWhileTheProducerRunsAhead() {
    String topic = topic("slow");
    String group = group("slow");
    ConsumeOptions options = manual(group).withAckWait(Duration.ofSeconds(120));
    // One member asks for three events and never acknowledges; another is bounded by maxInFlight.
    List<Event> demandBound = new CopyOnWriteArrayList<>();
    subscriptions.add(stream().consume(topic, options).subscribeWith(new BaseSubscriber<Event>() {
      @Override
      protected void hookOnSubscribe(Subscription subscription) {
        subscription.request(3);
      }

      @Override
      protected void hookOnNext(Event event) {
        demandBound.add(event);
      }

      @Override
      protected void hookOnError(Throwable error) {
        errors.add(error);
      }
    }));
    List<Event> inFlightBound = collect(stream().consume(topic, options.withMaxInFlight(8)));

    int total = 500;
    Flux.range(0, total).flatMap(i -> stream().publish(topic, bytes(Integer.toString(i))), 16).blockLast(TIMEOUT);
    await("the slow members are full", TIMEOUT, () -> demandBound.size() == 3 && inFlightBound.size() == 8);

    List<Event> fast = stream().consume(topic, options.withAutoAck(true)).take(total - 11).collectList()
        .block(TIMEOUT.multipliedBy(2));
    // Anything the slow members were given beyond their bounds would arrive within this pause.
    pause(Duration.ofMillis(500));

    assertThat(demandBound).hasSize(3);
    assertThat(inFlightBound).hasSize(8);
    List<String> all = new ArrayList<>(texts(fast));
    all.addAll(texts(demandBound));
    all.addAll(texts(inFlightBound));
    assertThat(all).containsExactlyInAnyOrder(numbered(total));
  }

  // --- making streams ---

  @Test
  void settingsChooseThisBackend() {
    Settings settings = settings();
    Stream chosen = Stream.fromSettings(settings);
    try {
      assertThat(chosen).hasSameClassAs(stream());
      publishedAndConsumed(chosen, chosen, topic("settings"), "x");
      assertChosen(chosen);
    } finally {
      chosen.close().block(TIMEOUT);
    }
  }

  @Test
  void unreachableServerFailsThePublishWithA503NotTheCreation() {
    Stream unreachable = orSkip(unreachable(), "the backend has no server to be unreachable");
    try {
      StepVerifier.create(unreachable.publish(topic("unreachable"), bytes("lost")))
          .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(MicroException.class,
              m -> assertThat(m.code()).isEqualTo(503)))
          .verify(TIMEOUT);
    } finally {
      unreachable.close().block(TIMEOUT);
    }
  }

  @Test
  void streamsFromSettingsShareOneClientUntilTheLastCloses() {
    String key = orSkip(sharedClientKey(), "streams from settings share no client");
    Settings settings = settings();
    String topic = topic("shared-client");
    SharedClientChecks.shareOneClientUntilTheLastCloses(key, () -> Stream.fromSettings(settings), Stream::close,
        (producer, consumer) -> producer.publish(topic, bytes("first")).block(TIMEOUT),
        consumer -> expectFirst(consumer, topic, "first"));
  }

  @Test
  void streamsFromSettingsCreatedAndClosedConcurrentlyAllWorkAndReleaseTheClient() throws Exception {
    String key = orSkip(sharedClientKey(), "streams from settings share no client");
    Settings settings = settings();
    SharedClientChecks.createdAndClosedConcurrently(key, () -> Stream.fromSettings(settings), Stream::close,
        (stream, thread) -> publishedAndConsumed(stream, stream, topic(thread), "e"));
  }

  /**
   * Two streams on the application's client: the first publishes one event on a topic of the test
   * ({@link #topic(String)}), which the second consumes. The event is kept; a third stream, made after
   * they closed, consumes it too.
   */
  @Test
  void streamsOnAClientOfTheApplicationLeaveItOpenWhenTheyClose() throws Exception {
    ApplicationClient<Stream> client = orSkip(applicationClient(), "the backend takes no client");
    String topic = topic("application-client");
    SharedClientChecks.leftOpenByBackendsBuiltOnIt(client, Stream::close,
        (producer, consumer) -> publishedAndConsumed(producer, consumer, topic, "first"),
        third -> expectFirst(third, topic, "first"));
  }

}
