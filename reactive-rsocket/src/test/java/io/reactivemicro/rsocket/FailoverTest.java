package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.RpcTestSupport.LOOPBACK;
import static io.reactivemicro.rsocket.RpcTestSupport.TIMEOUT;
import static io.reactivemicro.rsocket.RpcTestSupport.micro;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.Service;
import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.client.Client;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.ServiceInfo;
import io.reactivemicro.rsocket.RpcTestSupport.Reply;
import io.reactivemicro.rsocket.RpcTestSupport.Req;
import io.reactivemicro.rsocket.RpcTestSupport.StreamReq;
import io.reactivemicro.selector.Selector;
import io.reactivemicro.selector.Strategy;
import io.reactivemicro.test.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * A node that cannot be reached is skipped for another, whatever the endpoint; a call that reached a
 * node is retried only when the caller says the endpoint is idempotent.
 */
class FailoverTest {

  /** Endpoints {@code Ledger.*}. */
  public static final class Ledger {
    final AtomicInteger appends = new AtomicInteger();
    final AtomicInteger flakyCalls = new AtomicInteger();
    final AtomicInteger streams = new AtomicInteger();

    void reset() {
      appends.set(0);
      flakyCalls.set(0);
      streams.set(0);
    }

    /** Not idempotent: each call appends an entry. */
    public Mono<Reply> append(Req request) {
      return Mono.fromSupplier(() -> new Reply("entry " + appends.incrementAndGet()));
    }

    /** Fails the first call with a 503. */
    public Mono<Reply> flaky(Req request) {
      return Mono.defer(() -> flakyCalls.incrementAndGet() == 1
          ? Mono.error(MicroException.serviceUnavailable("ledger", "not ready yet"))
          : Mono.just(new Reply("ready")));
    }

    public Flux<Reply> entries(StreamReq request) {
      return Flux.range(1, request.count()).map(i -> new Reply("e" + i)).doOnSubscribe(s -> streams.incrementAndGet());
    }

    public Mono<Void> note(Req request) {
      return Mono.fromRunnable(appends::incrementAndGet);
    }
  }

  static final Registry registry = Registry.memory();
  static final Ledger ledger = new Ledger();
  static Service live;
  static Client client;
  static String deadAddress;

  @BeforeAll
  static void start() throws IOException {
    live = RpcTestSupport.started(Service.builder("ledger").address(LOOPBACK).registry(registry).handler(ledger));
    deadAddress = "127.0.0.1:" + freePort();
    ServiceInfo dead = new ServiceInfo("ledger", live.version(), Map.of(), live.info().endpoints(),
        List.of(Node.of("ledger-dead", deadAddress)));
    registry.register(dead, Duration.ZERO).block(TIMEOUT);
    client = Client.builder().registry(registry).build();
  }

  @AfterAll
  static void stop() {
    client.close().block(Duration.ofSeconds(10));
    RpcTestSupport.stop(live);
  }

  @BeforeEach
  void reset() {
    ledger.reset();
  }

  @Test
  void theRegistryHoldsADeadAndALiveNode() {
    StepVerifier.create(registry.getService("ledger").flatMapIterable(ServiceInfo::nodes).map(Node::address))
        .expectNextCount(2)
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(registry.getService("ledger").flatMapIterable(ServiceInfo::nodes).map(Node::address)
        .collectList().block(TIMEOUT)).contains(deadAddress, RpcTestSupport.addressOf(live));
  }

  @Test
  void callsToANonIdempotentEndpointSkipTheDeadNodeAndRunExactlyOnce() {
    Flux<Reply> calls = Flux.range(0, 50)
        .concatMap(i -> client.call("ledger", "Ledger.Append", new Req("c" + i), Reply.class));
    StepVerifier.create(calls)
        .expectNextCount(50)
        .expectComplete()
        .verify(Duration.ofSeconds(30));
    assertThat(ledger.appends.get()).isEqualTo(50);
  }

  @Test
  void concurrentCallsSkipTheDeadNodeToo() {
    Flux<Reply> calls = Flux.range(0, 50)
        .flatMap(i -> client.call("ledger", "Ledger.Append", new Req("p" + i), Reply.class), 50);
    StepVerifier.create(calls)
        .expectNextCount(50)
        .expectComplete()
        .verify(Duration.ofSeconds(30));
    assertThat(ledger.appends.get()).isEqualTo(50);
  }

  @Test
  void streamsAndFireAndForgetSkipTheDeadNode() {
    Flux<Reply> streams = Flux.range(0, 20)
        .concatMap(i -> client.stream("ledger", "Ledger.Entries", new StreamReq("s", 2), Reply.class));
    StepVerifier.create(streams)
        .expectNextCount(40)
        .expectComplete()
        .verify(Duration.ofSeconds(30));
    assertThat(ledger.streams.get()).isEqualTo(20);

    StepVerifier.create(Flux.range(0, 20).concatMap(i -> client.fireAndForget("ledger", "Ledger.Note", new Req("n"))))
        .expectComplete()
        .verify(Duration.ofSeconds(30));
    Await.until("20 notes arrive", TIMEOUT, () -> ledger.appends.get() == 20);
  }

  @Test
  void anIdempotentCallIsRetriedAfterA503() {
    StepVerifier.create(client.call("ledger", "Ledger.Flaky", new Req("i"), Reply.class,
            RequestOptions.defaults().withIdempotent(true)))
        .expectNext(new Reply("ready"))
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(ledger.flakyCalls.get()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aRetryAfterA503SkipsTheNodeFoundDeadEarlier(boolean deadFirst) {
    Client ordered = Client.builder().registry(registry)
        .selector(Selector.of(registry, inOrder(deadFirst)))
        .build();
    try {
      StepVerifier.create(ordered.call("ledger", "Ledger.Flaky", new Req("o"), Reply.class,
              RequestOptions.defaults().withIdempotent(true)))
          .expectNext(new Reply("ready"))
          .expectComplete()
          .verify(TIMEOUT);
      assertThat(ledger.flakyCalls.get()).isEqualTo(2);
    } finally {
      ordered.close().block(Duration.ofSeconds(10));
    }
  }

  @Test
  void aNonIdempotentCallIsNotRetriedAfterA503() {
    StepVerifier.create(client.call("ledger", "Ledger.Flaky", new Req("n"), Reply.class))
        .expectErrorSatisfies(error -> {
          MicroException received = micro(error, 503);
          assertThat(received.id()).isEqualTo("ledger");
          assertThat(received.detail()).isEqualTo("not ready yet");
        })
        .verify(TIMEOUT);
    assertThat(ledger.flakyCalls.get()).isEqualTo(1);
  }

  @Test
  void anIdempotentCallWithNoRetriesLeftFails() {
    StepVerifier.create(client.call("ledger", "Ledger.Flaky", new Req("z"), Reply.class,
            RequestOptions.defaults().withIdempotent(true).withRetries(0)))
        .expectErrorSatisfies(error -> micro(error, 503))
        .verify(TIMEOUT);
    assertThat(ledger.flakyCalls.get()).isEqualTo(1);
  }

  @Test
  void aServiceWhoseOnlyNodeIsDeadFailsWith503() throws IOException {
    String nowhere = "127.0.0.1:" + freePort();
    registry.register(new ServiceInfo("ghost-town", "latest", Map.of(), List.of(),
        List.of(Node.of("ghost-1", nowhere))), Duration.ZERO).block(TIMEOUT);
    StepVerifier.create(client.call("ghost-town", "Ledger.Append", new Req("x"), Reply.class))
        .expectErrorSatisfies(error -> assertThat(micro(error, 503).detail()).contains("ghost-town"))
        .verify(TIMEOUT);
  }

  /** Returns a strategy that tries the dead node first or last, then cycles through the nodes in turn. */
  private static Strategy inOrder(boolean deadFirst) {
    return nodes -> {
      List<Node> sorted = nodes.stream()
          .sorted(Comparator.comparing(node -> node.address().equals(deadAddress) != deadFirst))
          .toList();
      int[] position = {0};
      return () -> sorted.get(position[0]++ % sorted.size());
    };
  }

  /** Returns a loopback port nothing listens on: bound once, then closed. */
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
