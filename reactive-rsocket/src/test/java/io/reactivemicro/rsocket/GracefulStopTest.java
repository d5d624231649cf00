package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.RpcTestSupport.LOOPBACK;
import static io.reactivemicro.rsocket.RpcTestSupport.TIMEOUT;
import static io.reactivemicro.rsocket.RpcTestSupport.micro;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.Service;
import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.client.Client;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.rsocket.RpcTestSupport.Reply;
import io.reactivemicro.rsocket.RpcTestSupport.Req;
import io.reactivemicro.test.Await;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** Stopping a service lets calls in flight finish, refuses new ones, and deregisters it. */
class GracefulStopTest {

  /** Endpoints {@code Patient.*}; each call reports when the handler has started it. */
  public static final class Patient {
    final Map<String, Sinks.Empty<Void>> started = new ConcurrentHashMap<>();

    Sinks.Empty<Void> started(String name) {
      return started.computeIfAbsent(name, n -> Sinks.empty());
    }

    public Mono<Reply> slow(Req request) {
      return Mono.fromRunnable(() -> started(request.name()).tryEmitEmpty())
          .then(Mono.delay(Duration.ofMillis(500)))
          .thenReturn(new Reply("done " + request.name()));
    }

    public Mono<Reply> quick(Req request) {
      return Mono.just(new Reply("quick " + request.name()));
    }

    public Flux<Reply> endless(Req request) {
      return Flux.interval(Duration.ofMillis(20))
          .map(i -> new Reply(request.name() + " " + i))
          .doOnSubscribe(s -> started(request.name()).tryEmitEmpty());
    }
  }

  static final Registry registry = Registry.memory();
  static final Client client = Client.builder().registry(registry).build();
  final Patient patient = new Patient();
  Service service;

  @AfterEach
  void stopService() {
    if (service != null) {
      service.stop().block(TIMEOUT);
    }
  }

  @AfterAll
  static void disposeClient() {
    client.close().block(Duration.ofSeconds(10));
  }

  @Test
  void aCallInFlightCompletesWhileTheServiceStopsAndNewCallsFail() throws Exception {
    service = RpcTestSupport.started(Service.builder("draining").address(LOOPBACK).registry(registry)
        .handler(patient).drainTimeout(Duration.ofSeconds(5)));
    String address = RpcTestSupport.addressOf(service);
    RequestOptions direct = RequestOptions.defaults().withAddress(address);

    CompletableFuture<Reply> inFlight = client.call("draining", "Patient.Slow", new Req("a"), Reply.class).toFuture();
    StepVerifier.create(patient.started("a").asMono()).expectComplete().verify(TIMEOUT);

    CompletableFuture<Void> stopped = service.stop().toFuture();
    Await.until("the router drains", TIMEOUT, () -> service.server().draining());
    assertThat(registry.getService("draining").collectList().block(TIMEOUT)).as("registered while draining").isEmpty();

    // The connection is still open while draining: a new call on it is refused, not queued.
    StepVerifier.create(client.call("draining", "Patient.Quick", new Req("late"), Reply.class, direct))
        .expectErrorSatisfies(error -> micro(error, 503))
        .verify(TIMEOUT);

    assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo(new Reply("done a"));
    stopped.get(10, TimeUnit.SECONDS);
    assertThat(registry.getService("draining").collectList().block(TIMEOUT)).isEmpty();

    // Nothing listens any more: calls to the old address fail at once, calls by name find no service.
    StepVerifier.create(client.call("draining", "Patient.Quick", new Req("after"), Reply.class, direct))
        .expectErrorSatisfies(error -> micro(error, 503))
        .verify(TIMEOUT);
    StepVerifier.create(client.call("draining", "Patient.Quick", new Req("after"), Reply.class))
        .expectErrorSatisfies(error -> assertThat(micro(error, 404).detail()).isEqualTo("service draining: not found"))
        .verify(TIMEOUT);
  }

  @Test
  void aStreamThatOutlivesTheDrainTimeoutIsCutOffWithAnError() throws Exception {
    service = RpcTestSupport.started(Service.builder("cutoff").address(LOOPBACK).registry(registry)
        .handler(patient).drainTimeout(Duration.ofMillis(300)));

    Flux<Reply> stream = client.stream("cutoff", "Patient.Endless", new Req("s"), Reply.class);
    StepVerifier.create(stream)
        .expectNextCount(1)
        .then(() -> service.stop().subscribe())
        .thenConsumeWhile(reply -> true)
        .expectErrorSatisfies(error -> micro(error, 503))
        .verify(TIMEOUT);
    assertThat(registry.getService("cutoff").collectList().block(TIMEOUT)).isEmpty();
  }

  @Test
  void stoppingAnIdleServiceIsQuickAndStoppingTwiceIsHarmless() {
    service = RpcTestSupport.started(Service.builder("idle").address(LOOPBACK).registry(registry)
        .handler(patient).drainTimeout(Duration.ofSeconds(30)));
    StepVerifier.create(client.call("idle", "Patient.Quick", new Req("q"), Reply.class))
        .expectNext(new Reply("quick q"))
        .expectComplete()
        .verify(TIMEOUT);
    // With nothing in flight the 30 s drain timeout does not apply.
    StepVerifier.create(service.stop()).expectComplete().verify(TIMEOUT);
    StepVerifier.create(service.stop()).expectComplete().verify(TIMEOUT);
    assertThat(registry.getService("idle").collectList().block(TIMEOUT)).isEmpty();
  }
}
