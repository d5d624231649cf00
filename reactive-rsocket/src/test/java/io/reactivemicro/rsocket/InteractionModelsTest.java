package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.RpcTestSupport.LOOPBACK;
import static io.reactivemicro.rsocket.RpcTestSupport.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.Service;
import io.reactivemicro.client.Client;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.rsocket.RpcTestSupport.Reply;
import io.reactivemicro.rsocket.RpcTestSupport.Req;
import io.reactivemicro.rsocket.RpcTestSupport.StreamReq;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** The four interaction models, cancellation and demand, over RSocket/TCP on loopback. */
class InteractionModelsTest {

  /** Endpoints {@code Echo.*}; per-call state is keyed by the request's name so tests stay apart. */
  public static final class Echo {
    final Map<String, Sinks.One<String>> fired = new ConcurrentHashMap<>();
    final Map<String, Sinks.Empty<Void>> cancelled = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> produced = new ConcurrentHashMap<>();

    Sinks.One<String> fired(String name) {
      return fired.computeIfAbsent(name, n -> Sinks.one());
    }

    Sinks.Empty<Void> cancelled(String name) {
      return cancelled.computeIfAbsent(name, n -> Sinks.empty());
    }

    AtomicLong produced(String name) {
      return produced.computeIfAbsent(name, n -> new AtomicLong());
    }

    public Mono<Reply> hello(Req request) {
      return Mono.just(new Reply("Hello " + request.name()));
    }

    public Flux<Reply> count(StreamReq request) {
      return Flux.range(1, request.count()).map(i -> new Reply(request.name() + " #" + i));
    }

    public Flux<Reply> chat(Flux<Req> requests) {
      return requests.map(request -> new Reply("Hi " + request.name()));
    }

    public Mono<Void> fire(Req request) {
      return Mono.fromRunnable(() -> fired(request.name()).tryEmitValue(request.name()));
    }

    /** An endless stream that produces only as fast as the caller asks. */
    public Flux<Reply> endless(Req request) {
      AtomicLong counter = produced(request.name());
      return Flux.<Long, Long>generate(() -> 0L, (i, sink) -> {
        sink.next(i);
        return i + 1;
      })
          .doOnNext(i -> counter.incrementAndGet())
          .map(i -> new Reply(request.name() + " " + i))
          .doOnCancel(() -> cancelled(request.name()).tryEmitEmpty());
    }

    /** An endless stream paced by a timer, which keeps no thread busy however much the caller asks for. */
    public Flux<Reply> ticks(Req request) {
      return Flux.interval(Duration.ofMillis(1))
          .map(i -> new Reply(request.name() + " " + i))
          .doOnCancel(() -> cancelled(request.name()).tryEmitEmpty());
    }
  }

  static final Registry registry = Registry.memory();
  static final Echo echo = new Echo();
  static Service service;
  static Client client;

  @BeforeAll
  static void start() {
    service = RpcTestSupport.started(Service.builder("echo").address(LOOPBACK).registry(registry).handler(echo));
    client = Client.builder().registry(registry).build();
  }

  @AfterAll
  static void stop() {
    client.close().block(Duration.ofSeconds(10));
    RpcTestSupport.stop(service);
  }

  @Test
  void requestResponseReturnsTheHandlersReply() {
    StepVerifier.create(client.call("echo", "Echo.Hello", new Req("alice"), Reply.class))
        .expectNext(new Reply("Hello alice"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void requestStreamReturnsEveryElementInOrder() {
    StepVerifier.create(client.stream("echo", "Echo.Count", new StreamReq("n", 5), Reply.class))
        .expectNext(new Reply("n #1"), new Reply("n #2"), new Reply("n #3"), new Reply("n #4"), new Reply("n #5"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void requestStreamHonoursTheCallersDemand() {
    StepVerifier.create(client.stream("echo", "Echo.Count", new StreamReq("d", 4), Reply.class), 1)
        .expectNext(new Reply("d #1"))
        .expectNoEvent(Duration.ofMillis(100))
        .thenRequest(3)
        .expectNext(new Reply("d #2"), new Reply("d #3"), new Reply("d #4"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void channelAnswersEachRequestAsItArrives() {
    Flux<Req> requests = Flux.just(new Req("a"), new Req("b"), new Req("c"));
    StepVerifier.create(client.channel("echo", "Echo.Chat", requests, Reply.class))
        .expectNext(new Reply("Hi a"), new Reply("Hi b"), new Reply("Hi c"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void channelWithNoRequestsCompletesEmpty() {
    StepVerifier.create(client.channel("echo", "Echo.Chat", Flux.<Req>empty(), Reply.class))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void fireAndForgetRunsTheHandler() {
    StepVerifier.create(client.fireAndForget("echo", "Echo.Fire", new Req("ff")))
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(echo.fired("ff").asMono())
        .expectNext("ff")
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void cancellingTheStreamStopsTheHandler() {
    StepVerifier.create(client.stream("echo", "Echo.Endless", new Req("cancel"), Reply.class), 3)
        .expectNextCount(3)
        .thenCancel()
        .verify(TIMEOUT);
    StepVerifier.create(echo.cancelled("cancel").asMono())
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void takingTenElementsOfAnEndlessStreamBoundsWhatTheServerProduces() {
    StepVerifier.create(client.stream("echo", "Echo.Endless", new Req("take"), Reply.class).take(10))
        .expectNextCount(10)
        .expectComplete()
        .verify(TIMEOUT);
    // Once the handler has seen the cancel it produces nothing more, so the count is final.
    StepVerifier.create(echo.cancelled("take").asMono())
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(echo.produced("take").get()).isBetween(10L, 256L);
  }

  @Test
  void cancellingAStreamWithUnboundedDemandStopsTheHandler() {
    StepVerifier.create(client.stream("echo", "Echo.Ticks", new Req("unbounded"), Reply.class))
        .expectNextCount(20)
        .thenCancel()
        .verify(TIMEOUT);
    StepVerifier.create(echo.cancelled("unbounded").asMono())
        .expectComplete()
        .verify(TIMEOUT);
  }
}
