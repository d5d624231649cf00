package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.RpcTestSupport.LOOPBACK;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.Service;
import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.client.Client;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.rsocket.RpcTestSupport.Reply;
import io.reactivemicro.rsocket.RpcTestSupport.Req;
import io.reactivemicro.selector.Selector;
import io.reactivemicro.selector.Strategy;
import io.reactivemicro.server.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A node whose calls time out is avoided for its back-off, then probed by one call; a failed probe
 * doubles the back-off, a successful one brings the node back. Back-offs run on a virtual clock given to
 * the selector, so that nothing depends on how fast a loaded machine runs; calls are real.
 */
class TimeoutFailoverTest {

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration BACKOFF = Duration.ofSeconds(1);

  /** Endpoints {@code Catalog.*}: an instance that can be made to hang. */
  public static final class Catalog {
    final String instance;
    final AtomicInteger started = new AtomicInteger();
    volatile boolean hanging;

    Catalog(String instance) {
      this.instance = instance;
    }

    @Endpoint(idempotent = true)
    public Mono<Reply> price(Req request) {
      return Mono.defer(() -> {
        started.incrementAndGet();
        return hanging ? Mono.never() : Mono.just(new Reply(instance));
      });
    }
  }

  final Registry registry = Registry.memory();
  final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  final Catalog fast = new Catalog("fast");
  final Catalog slow = new Catalog("slow");
  List<Service> services;
  Client client;

  @BeforeEach
  void start() {
    services = List.of(fast, slow).stream()
        .map(handler -> RpcTestSupport.started(Service.builder("catalog").address(LOOPBACK).registry(registry)
            .handler(handler)))
        .toList();
    Selector selector = Selector.builder(registry).strategy(Strategy.roundRobin()).clock(clock)
        .backoff(BACKOFF, Duration.ofSeconds(8)).build();
    client = Client.builder().registry(registry).selector(selector)
        .defaults(RequestOptions.defaults().withTimeout(CALL_TIMEOUT)).build();
    // Connections to both instances are open before anything is timed.
    calls(4, 1);
    assertThat(slow.started.get()).isPositive();
  }

  @AfterEach
  void stop() {
    client.close().block(Duration.ofSeconds(10));
    services.forEach(RpcTestSupport::stop);
    clock.dispose();
  }

  @Test
  void aNodeThatTimesOutIsAvoidedThenProbedByOneCallThenBroughtBack() {
    slow.hanging = true;
    slow.started.set(0);

    calls(6, 1);
    assertThat(slow.started.get()).as("one call timed out on the slow node, then went to the other").isOne();

    calls(10, 1);
    assertThat(slow.started.get()).as("avoided while its back-off lasts").isOne();

    clock.advanceTimeBy(BACKOFF);
    calls(6, 6);
    assertThat(slow.started.get()).as("one probe, though six calls ran at once").isEqualTo(2);

    slow.hanging = false;
    clock.advanceTimeBy(BACKOFF);
    calls(10, 1);
    assertThat(slow.started.get()).as("the failed probe doubled the back-off").isEqualTo(2);

    clock.advanceTimeBy(BACKOFF);
    calls(10, 1);
    assertThat(slow.started.get()).as("the probe succeeded: the node takes its share again").isGreaterThanOrEqualTo(6);
  }

  /** Makes {@code count} calls, {@code concurrency} at a time, and checks that every one succeeds. */
  private void calls(int count, int concurrency) {
    Flux<Reply> calls = Flux.range(0, count)
        .flatMap(i -> client.call("catalog", "Catalog.Price", new Req("p" + i), Reply.class), concurrency);
    StepVerifier.create(calls)
        .expectNextCount(count)
        .expectComplete()
        .verify(CALL_TIMEOUT.multipliedBy(count + 4L));
  }
}
