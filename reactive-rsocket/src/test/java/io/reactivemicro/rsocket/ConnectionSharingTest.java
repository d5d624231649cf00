package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.RpcTestSupport.LOOPBACK;
import static io.reactivemicro.rsocket.RpcTestSupport.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.Service;
import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.client.Client;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.rsocket.RpcTestSupport.Reply;
import io.reactivemicro.rsocket.RpcTestSupport.Req;
import io.reactivemicro.rsocket.RpcTestSupport.StreamReq;
import io.reactivemicro.rsocket.internal.RSocketClientTransport;
import io.reactivemicro.transport.TransportOptions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** Every call to a node shares one RSocket connection, however many run at once. */
class ConnectionSharingTest {

  private static final int CALLS = 1000;
  // The test is about sharing, not latency: a cold JVM on a busy machine may take seconds for the first calls.
  private static final RequestOptions PATIENT = RequestOptions.defaults().withTimeout(Duration.ofSeconds(40));

  /**
   * Endpoints {@code Gate.*}. {@code Gate.Hold} answers no call until {@link #expected} calls are in
   * the handler at once, so its calls can only complete if they all ran concurrently; the answers then
   * leave from several threads at once, as they do when handlers finish on their own schedulers.
   */
  public static final class Gate {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final Set<String> seen = ConcurrentHashMap.newKeySet();
    volatile int expected;
    volatile Sinks.Empty<Void> open = Sinks.empty();

    void reset(int expected) {
      this.expected = expected;
      this.open = Sinks.empty();
      calls.set(0);
      inFlight.set(0);
      seen.clear();
    }

    public Mono<Reply> hold(Req request) {
      return Mono.defer(() -> {
        calls.incrementAndGet();
        seen.add(request.name());
        Sinks.Empty<Void> gate = open;
        if (inFlight.incrementAndGet() >= expected) {
          gate.tryEmitEmpty();
        }
        return gate.asMono()
            .then(Mono.delay(Duration.ofMillis(request.name().hashCode() & 15)))
            .thenReturn(new Reply("Hello " + request.name()));
      }).doFinally(s -> inFlight.decrementAndGet());
    }

    public Mono<Reply> quick(Req request) {
      return Mono.just(new Reply("Hello " + request.name()));
    }

    public Flux<Reply> count(StreamReq request) {
      return Flux.range(1, request.count()).map(i -> new Reply(request.name() + " #" + i));
    }
  }

  static final Registry registry = Registry.memory();
  static final Gate gate = new Gate();
  static Service one;
  static Service two;
  RSocketClientTransport transport;
  Client client;

  @BeforeAll
  static void start() {
    one = RpcTestSupport.started(Service.builder("one").address(LOOPBACK).registry(registry).handler(gate));
    two = RpcTestSupport.started(Service.builder("two").address(LOOPBACK).registry(registry).handler(new Gate()));
  }

  @AfterAll
  static void stop() {
    RpcTestSupport.stop(one);
    RpcTestSupport.stop(two);
  }

  @BeforeEach
  void connect() {
    transport = new RSocketClientTransport(TransportOptions.defaults());
    client = Client.builder().registry(registry).transport(transport).build();
  }

  @AfterEach
  void disconnect() {
    client.close().block(Duration.ofSeconds(10));
    transport.close().block(Duration.ofSeconds(10));
  }

  @Test
  void aThousandConcurrentCallsShareOneConnection() {
    gate.reset(CALLS);
    // No call has connected yet: all of them race for the first connection.
    Flux<Reply> calls = Flux.range(0, CALLS)
        .flatMap(i -> client.call("one", "Gate.Hold", new Req("n" + i), Reply.class, PATIENT), CALLS);
    StepVerifier.create(calls.map(Reply::message).collect(Collectors.toSet()))
        .assertNext(replies -> assertThat(replies).isEqualTo(
            IntStream.range(0, CALLS).mapToObj(i -> "Hello n" + i).collect(Collectors.toSet())))
        .expectComplete()
        .verify(Duration.ofSeconds(45));

    assertThat(gate.calls.get()).isEqualTo(CALLS);
    assertThat(gate.seen).hasSize(CALLS);
    assertThat(transport.openConnections()).isEqualTo(1);
  }

  @Test
  void callsAndStreamsToOneNodeShareItsConnectionAndEachNodeHasItsOwn() {
    Flux<Reply> mixed = Flux.range(0, 100).flatMap(i -> i % 2 == 0
        ? client.call("one", "Gate.Quick", new Req("m" + i), Reply.class, PATIENT)
        : client.stream("one", "Gate.Count", new StreamReq("m" + i, 3), Reply.class, PATIENT), 100);
    StepVerifier.create(mixed)
        .expectNextCount(50 + 50 * 3)
        .expectComplete()
        .verify(Duration.ofSeconds(45));
    assertThat(transport.openConnections()).isEqualTo(1);

    StepVerifier.create(client.call("two", "Gate.Quick", new Req("other"), Reply.class))
        .expectNext(new Reply("Hello other"))
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(transport.openConnections()).isEqualTo(2);
  }
}
