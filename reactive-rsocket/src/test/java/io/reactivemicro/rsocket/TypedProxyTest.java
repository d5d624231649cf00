package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.RpcTestSupport.LOOPBACK;
import static io.reactivemicro.rsocket.RpcTestSupport.TIMEOUT;
import static io.reactivemicro.rsocket.RpcTestSupport.micro;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.Service;
import io.reactivemicro.client.Client;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.rsocket.RpcTestSupport.Reply;
import io.reactivemicro.rsocket.RpcTestSupport.Req;
import io.reactivemicro.rsocket.RpcTestSupport.StreamReq;
import io.reactivemicro.server.Endpoint;
import io.reactivemicro.server.Handler;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** One annotated interface serves as the handler's API and as a typed client, for every shape. */
class TypedProxyTest {

  /** The API: endpoints {@code Greeter.Hello}, {@code Greeter.Repeat}, {@code Greeter.Chat}, ... */
  @Handler("Greeter")
  public interface GreeterApi {
    Mono<Reply> hello(Req request);

    Flux<Reply> repeat(StreamReq request);

    Flux<Reply> chat(Flux<Req> requests);

    @Endpoint(value = "Total")
    Mono<Reply> sum(Flux<Req> requests);

    @Endpoint(value = "Flaky", idempotent = true)
    Mono<Reply> flaky(Req request);

    Mono<Reply> refuse(Req request);
  }

  /** The handler behind the API. */
  public static final class Greeter implements GreeterApi {
    final AtomicInteger flakyCalls = new AtomicInteger();

    @Override
    public Mono<Reply> hello(Req request) {
      return Mono.just(new Reply("Hello " + request.name()));
    }

    @Override
    public Flux<Reply> repeat(StreamReq request) {
      return Flux.range(1, request.count()).map(i -> new Reply(request.name() + " " + i));
    }

    @Override
    public Flux<Reply> chat(Flux<Req> requests) {
      return requests.map(r -> new Reply("Hi " + r.name()));
    }

    @Override
    public Mono<Reply> sum(Flux<Req> requests) {
      return requests.map(Req::name).reduce(String::concat).map(Reply::new);
    }

    @Override
    public Mono<Reply> flaky(Req request) {
      return flakyCalls.incrementAndGet() == 1
          ? Mono.error(MicroException.serviceUnavailable("greeter", "warming up"))
          : Mono.just(new Reply("ready " + request.name()));
    }

    @Override
    public Mono<Reply> refuse(Req request) {
      return Mono.error(MicroException.forbidden("greeter", "%s is not welcome", request.name()));
    }
  }

  static final Registry registry = Registry.memory();
  static final Greeter handler = new Greeter();
  static Service service;
  static Client client;
  static GreeterApi greeter;

  @BeforeAll
  static void start() {
    service = RpcTestSupport.started(Service.builder("greeter").address(LOOPBACK).registry(registry).handler(handler));
    client = Client.builder().registry(registry).build();
    greeter = client.proxy(GreeterApi.class, "greeter");
  }

  @AfterAll
  static void stop() {
    client.close().block(Duration.ofSeconds(10));
    RpcTestSupport.stop(service);
  }

  @Test
  void theServiceRegistersTheInterfacesEndpointNames() {
    assertThat(service.info().endpoints()).extracting(e -> e.name())
        .containsExactlyInAnyOrder("Greeter.Hello", "Greeter.Repeat", "Greeter.Chat", "Greeter.Total",
            "Greeter.Flaky", "Greeter.Refuse");
  }

  @Test
  void aMonoMethodIsARequestResponseCall() {
    StepVerifier.create(greeter.hello(new Req("proxy")))
        .expectNext(new Reply("Hello proxy"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void aFluxMethodIsARequestStream() {
    StepVerifier.create(greeter.repeat(new StreamReq("r", 3)))
        .expectNext(new Reply("r 1"), new Reply("r 2"), new Reply("r 3"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void aFluxArgumentMethodIsAChannel() {
    StepVerifier.create(greeter.chat(Flux.just(new Req("a"), new Req("b"))))
        .expectNext(new Reply("Hi a"), new Reply("Hi b"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void aChannelWithASingleResponseIsAMono() {
    StepVerifier.create(greeter.sum(Flux.just(new Req("x"), new Req("y"), new Req("z"))))
        .expectNext(new Reply("xyz"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void anIdempotentMethodIsRetried() {
    handler.flakyCalls.set(0);
    StepVerifier.create(greeter.flaky(new Req("f")))
        .expectNext(new Reply("ready f"))
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(handler.flakyCalls.get()).isEqualTo(2);
  }

  @Test
  void errorsReachTheProxysCaller() {
    StepVerifier.create(greeter.refuse(new Req("mallory")))
        .expectErrorSatisfies(error -> assertThat(micro(error, 403).detail()).isEqualTo("mallory is not welcome"))
        .verify(TIMEOUT);
  }

  @Test
  void objectMethodsDoNotCallTheService() {
    assertThat(greeter.toString()).contains("GreeterApi", "greeter");
    assertThat(greeter).isEqualTo(greeter);
  }
}
