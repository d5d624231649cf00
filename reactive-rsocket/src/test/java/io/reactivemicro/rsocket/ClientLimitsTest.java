package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.RpcTestSupport.LOOPBACK;
import static io.reactivemicro.rsocket.RpcTestSupport.TIMEOUT;
import static io.reactivemicro.rsocket.RpcTestSupport.micro;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.Service;
import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.client.Client;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.rsocket.internal.RSocketClientTransport;
import io.reactivemicro.test.Await;
import io.reactivemicro.transport.TransportOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The client's side of the limits: calls in flight per connection, connections closed when idle, a
 * connection set up once whatever the calls that wait for it do, and timeouts for streams and channels.
 */
class ClientLimitsTest {

  /** Endpoints, named {@code Slow.*}. */
  public static final class Slow {
    final AtomicInteger cancelled = new AtomicInteger();
    final AtomicInteger hung = new AtomicInteger();

    /** {@code Slow.Hang}: never answers. */
    public Mono<String> hang(String name) {
      return Mono.<String>never().doOnSubscribe(s -> hung.incrementAndGet()).doOnCancel(cancelled::incrementAndGet);
    }

    /** {@code Slow.Ping}. */
    public Mono<String> ping(String name) {
      return Mono.just("pong " + name);
    }

    /** {@code Slow.OneThenQuiet}: one message, then nothing, never ending. */
    public Flux<String> oneThenQuiet(String name) {
      return Flux.concat(Mono.just("one"), Mono.<String>never()).doOnCancel(cancelled::incrementAndGet);
    }

    /** {@code Slow.Ticks}: a message every 50 ms, never ending. */
    public Flux<Long> ticks(String name) {
      return Flux.interval(Duration.ofMillis(50)).doOnCancel(cancelled::incrementAndGet);
    }

    /** {@code Slow.Echo}: a channel that answers each message, and never ends on its own. */
    public Flux<String> echo(Flux<String> messages) {
      return messages.concatWith(Mono.never()).doOnCancel(cancelled::incrementAndGet);
    }
  }

  static final Registry registry = Registry.memory();
  static final Slow slow = new Slow();
  static Service service;

  @BeforeAll
  static void start() {
    service = RpcTestSupport.started(Service.builder("slow").address(LOOPBACK).registry(registry).handler(slow)
        .drainTimeout(Duration.ofMillis(200)));
  }

  @AfterAll
  static void stop() {
    RpcTestSupport.stop(service);
  }

  @Test
  void aCallBeyondTheMaximumInFlightOnAConnectionFailsWith429BeforeItIsSent() {
    Client client = Client.builder().registry(registry)
        .transportOptions(TransportOptions.defaults().withMaxCallsPerConnection(4)).build();
    List<Disposable> hanging = new ArrayList<>();
    List<Throwable> hangingFailed = new CopyOnWriteArrayList<>();
    int hungBefore = slow.hung.get();
    try {
      for (int i = 0; i < 4; i++) {
        hanging.add(client.call("slow", "Slow.Hang", "h" + i, String.class, RequestOptions.defaults().withTimeout(Duration.ofMinutes(1)))
            .subscribe(v -> { }, hangingFailed::add));
      }
      // The client counts a call once it is sent, before the server sees it; until then (the shared
      // connection's setup may take a moment) a fifth call would be let through and one of the four refused.
      Await.until("the four calls reach the server", TIMEOUT, () -> slow.hung.get() - hungBefore == 4);

      Throwable refused = client.call("slow", "Slow.Ping", "fifth", String.class).then(Mono.<Throwable>empty())
          .onErrorResume(Mono::just).block(TIMEOUT);

      assertThat(hangingFailed).as("the four calls that hang").isEmpty();
      assertThat(refused).as("the fifth call's error").isNotNull();
      assertThat(micro(refused, 429).detail()).contains("more than 4 calls in flight to");

      hanging.remove(0).dispose();
      String answer = Await.value("a call is let through once a hanging one is cancelled", TIMEOUT,
          () -> client.call("slow", "Slow.Ping", "again", String.class).cast(String.class)
              .onErrorResume(e -> Mono.empty()).block(TIMEOUT),
          Objects::nonNull);
      assertThat(answer).isEqualTo("pong again");
    } finally {
      hanging.forEach(Disposable::dispose);
      client.close().block(Duration.ofSeconds(10));
    }
  }

  @Test
  void aConnectionWithNoCallIsClosedByTheClientAfterHalfTheIdleTimeoutAndOpenedAgainWhenNeeded() {
    RSocketClientTransport transport =
        new RSocketClientTransport(TransportOptions.defaults().withIdleTimeout(Duration.ofMillis(600)));
    Client client = Client.builder().registry(registry).transport(transport).build();
    try {
      StepVerifier.create(client.call("slow", "Slow.Ping", "first", String.class))
          .expectNext("pong first")
          .expectComplete()
          .verify(TIMEOUT);
      assertThat(transport.openConnections()).isEqualTo(1);

      Await.until("the idle connection is closed", TIMEOUT, () -> transport.openConnections() == 0);

      StepVerifier.create(client.call("slow", "Slow.Ping", "second", String.class))
          .expectNext("pong second")
          .expectComplete()
          .verify(TIMEOUT);
    } finally {
      client.close().block(Duration.ofSeconds(10));
      transport.close().block(Duration.ofSeconds(10));
    }
  }

  @Test
  void aConnectionWithACallInFlightIsNotClosedAsIdle() {
    RSocketClientTransport transport =
        new RSocketClientTransport(TransportOptions.defaults().withIdleTimeout(Duration.ofMillis(200)));
    Client client = Client.builder().registry(registry).transport(transport).build();
    try {
      StepVerifier.create(client.call("slow", "Slow.Hang", "held", String.class,
              RequestOptions.defaults().withTimeout(Duration.ofMillis(800))))
          .expectErrorSatisfies(error -> micro(error, 408))
          .verify(TIMEOUT);
    } finally {
      client.close().block(Duration.ofSeconds(10));
      transport.close().block(Duration.ofSeconds(10));
    }
  }

  @Test
  void callsThatTimeOutWhileTheirConnectionIsSetUpLeakNothingAndLeaveItForTheNextCall() {
    // No call warms anything up: the first calls of each client time out while it connects.
    for (int i = 0; i < 50; i++) {
      Client client = Client.builder().registry(registry).build();
      try {
        Duration tiny = Duration.ofNanos(1 + (i % 10) * 100_000L);
        // Most time out while connecting; one that connects in time is answered.
        StepVerifier.create(client.call("slow", "Slow.Ping", "early", String.class, RequestOptions.defaults().withTimeout(tiny))
                .onErrorResume(error -> Mono.just(String.valueOf(micro(error, 408).code()))))
            .expectNextMatches(answer -> answer.equals("408") || answer.equals("pong early"))
            .expectComplete()
            .verify(TIMEOUT);
        StepVerifier.create(client.call("slow", "Slow.Ping", "later", String.class))
            .expectNext("pong later")
            .expectComplete()
            .verify(TIMEOUT);
      } finally {
        client.close().block(Duration.ofSeconds(10));
      }
    }
    // Leaked buffers fail the class: reactive-test's LeakDetectionExtension.
  }

  @Test
  void aStreamThatSendsNothingForItsIdleTimeoutFailsWith408AndIsCancelledOnTheServer() {
    Client client = Client.builder().registry(registry).build();
    int before = slow.cancelled.get();
    try {
      StepVerifier.create(client.stream("slow", "Slow.OneThenQuiet", "x", String.class,
              RequestOptions.defaults().withStreamIdleTimeout(Duration.ofMillis(300))))
          .expectNext("one")
          .expectErrorSatisfies(error -> assertThat(micro(error, 408).detail())
              .isEqualTo("slow Slow.OneThenQuiet sent no message for 300 ms"))
          .verify(TIMEOUT);
      Await.until("the server's stream is cancelled", TIMEOUT, () -> slow.cancelled.get() > before);
    } finally {
      client.close().block(Duration.ofSeconds(10));
    }
  }

  @Test
  void aStreamThatOutlastsItsTimeoutFailsWith408AfterItsMessagesAndIsCancelledOnTheServer() {
    Client client = Client.builder().registry(registry).build();
    int before = slow.cancelled.get();
    try {
      List<Long> ticks = new ArrayList<>();
      StepVerifier.create(client.stream("slow", "Slow.Ticks", "x", Long.class,
              RequestOptions.defaults().withStreamTimeout(Duration.ofMillis(500)).withStreamIdleTimeout(Duration.ofSeconds(5))))
          .recordWith(() -> ticks)
          .thenConsumeWhile(tick -> true)
          .expectErrorSatisfies(error -> assertThat(micro(error, 408).detail())
              .isEqualTo("slow Slow.Ticks did not end within 500 ms"))
          .verify(TIMEOUT);
      assertThat(ticks).isNotEmpty();
      Await.until("the server's stream is cancelled", TIMEOUT, () -> slow.cancelled.get() > before);
    } finally {
      client.close().block(Duration.ofSeconds(10));
    }
  }

  @Test
  void aChannelIsBoundedByTheStreamTimeoutsToo() {
    Client client = Client.builder().registry(registry).build();
    try {
      StepVerifier.create(client.channel("slow", "Slow.Echo", Flux.just("a", "b"), String.class,
              RequestOptions.defaults().withStreamIdleTimeout(Duration.ofMillis(300))))
          .expectNext("a", "b")
          .expectErrorSatisfies(error -> micro(error, 408))
          .verify(TIMEOUT);
    } finally {
      client.close().block(Duration.ofSeconds(10));
    }
  }

  @Test
  void streamTimeoutsMustBePositive() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> RequestOptions.defaults().withStreamTimeout(Duration.ZERO));
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> RequestOptions.defaults().withStreamIdleTimeout(Duration.ofMillis(-1)));
  }
}
