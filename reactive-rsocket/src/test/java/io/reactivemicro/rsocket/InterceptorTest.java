package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.RpcTestSupport.TIMEOUT;
import static io.reactivemicro.rsocket.RpcTestSupport.micro;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.client.Client;
import io.reactivemicro.client.ClientCall;
import io.reactivemicro.client.ClientInterceptor;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.metadata.Metadata;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.rsocket.RpcTestSupport.Reply;
import io.reactivemicro.rsocket.RpcTestSupport.Req;
import io.reactivemicro.rsocket.RpcTestSupport.StreamReq;
import io.reactivemicro.server.Server;
import io.reactivemicro.server.ServerCall;
import io.reactivemicro.server.ServerInterceptor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * Server and client interceptors wrap every interaction model: they see each call, add metadata,
 * transform responses and can refuse a call; the first one added is the outermost.
 */
class InterceptorTest {

  /** Endpoints {@code Watched.*}: each reply says which interceptor headers reached the handler. */
  public static final class Watched {
    final Map<String, Sinks.One<String>> fired = new ConcurrentHashMap<>();

    Sinks.One<String> fired(String name) {
      return fired.computeIfAbsent(name, n -> Sinks.one());
    }

    public Mono<Reply> hello(Req request) {
      return headers().map(h -> new Reply(request.name() + h));
    }

    public Flux<Reply> count(StreamReq request) {
      return headers().flatMapMany(h -> Flux.range(1, request.count()).map(i -> new Reply(request.name() + i + h)));
    }

    public Flux<Reply> chat(Flux<Req> requests) {
      return headers().flatMapMany(h -> requests.map(r -> new Reply(r.name() + h)));
    }

    public Mono<Void> fire(Req request) {
      return headers().doOnNext(h -> fired(request.name()).tryEmitValue(request.name() + h)).then();
    }

    public Mono<Reply> secret(Req request) {
      return Mono.just(new Reply("the secret"));
    }

    private static Mono<String> headers() {
      return Metadata.current()
          .map(md -> " client=" + md.get("X-Client-Interceptor") + " server=" + md.get("X-Server-Interceptor"));
    }
  }

  static final Registry registry = Registry.memory();
  static final Watched watched = new Watched();
  static final Queue<String> serverSaw = new ConcurrentLinkedQueue<>();
  static final Queue<String> clientSaw = new ConcurrentLinkedQueue<>();
  static final Queue<String> order = new ConcurrentLinkedQueue<>();
  static Server server;
  static Client client;
  static RequestOptions direct;

  /** Records each call and adds a header that the handler reads from its context. */
  static final ServerInterceptor SERVER_RECORDER = next -> call -> {
    order.add("server outer");
    serverSaw.add(call.endpoint().name() + " " + model(call));
    return Flux.from(next.handle(call)).contextWrite(Metadata.append("X-Server-Interceptor", "on"));
  };

  /** Refuses {@code Watched.Secret} without a bearer token and marks every reply it passes. */
  static final ServerInterceptor SERVER_GUARD = next -> call -> {
    order.add("server inner");
    if (call.endpoint().name().equals("Watched.Secret") && call.metadata().get("Authorization") == null) {
      return Mono.error(MicroException.unauthorized("guard", "%s needs a token", call.endpoint().name()));
    }
    return Flux.from(next.handle(call)).map(r -> r instanceof Reply reply ? new Reply(reply.message() + " [s]") : r);
  };

  /** Records each call, adds a header to it and marks every reply it receives. */
  static final ClientInterceptor CLIENT_RECORDER = next -> call -> {
    order.add("client outer");
    clientSaw.add(call.endpoint() + " " + model(call));
    ClientCall tagged = call.withOptions(call.options().withMetadata("X-Client-Interceptor", "on"));
    return Flux.from(next.handle(tagged)).map(r -> r instanceof Reply reply ? new Reply(reply.message() + " [c]") : r);
  };

  static final ClientInterceptor CLIENT_INNER = next -> call -> {
    order.add("client inner");
    return next.handle(call);
  };

  @BeforeAll
  static void start() {
    server = Server.builder("watched").address(RpcTestSupport.LOOPBACK).handler(watched)
        .interceptor(SERVER_RECORDER)
        .interceptor(SERVER_GUARD)
        .build();
    server.start().block(TIMEOUT);
    direct = RequestOptions.defaults().withAddress(server.address());
    client = Client.builder().registry(registry).interceptor(CLIENT_RECORDER).interceptor(CLIENT_INNER).build();
  }

  @AfterAll
  static void stop() {
    client.close().block(Duration.ofSeconds(10));
    server.stop(Duration.ofSeconds(1)).block(TIMEOUT);
  }

  @BeforeEach
  void clear() {
    serverSaw.clear();
    clientSaw.clear();
    order.clear();
  }

  @Test
  void bothInterceptorsSeeRequestResponseAndAddMetadataAndTransform() {
    StepVerifier.create(client.call("watched", "Watched.Hello", new Req("rr"), Reply.class, direct))
        .expectNext(new Reply("rr client=on server=on [s] [c]"))
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(clientSaw).containsExactly("Watched.Hello REQUEST_RESPONSE");
    assertThat(serverSaw).containsExactly("Watched.Hello REQUEST_RESPONSE");
  }

  @Test
  void bothInterceptorsSeeRequestStream() {
    StepVerifier.create(client.stream("watched", "Watched.Count", new StreamReq("st", 2), Reply.class, direct))
        .expectNext(new Reply("st1 client=on server=on [s] [c]"), new Reply("st2 client=on server=on [s] [c]"))
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(clientSaw).containsExactly("Watched.Count REQUEST_STREAM");
    assertThat(serverSaw).containsExactly("Watched.Count REQUEST_STREAM");
  }

  @Test
  void bothInterceptorsSeeChannels() {
    StepVerifier.create(client.channel("watched", "Watched.Chat", Flux.just(new Req("c1"), new Req("c2")),
            Reply.class, direct))
        .expectNext(new Reply("c1 client=on server=on [s] [c]"), new Reply("c2 client=on server=on [s] [c]"))
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(clientSaw).containsExactly("Watched.Chat REQUEST_CHANNEL");
    assertThat(serverSaw).containsExactly("Watched.Chat REQUEST_CHANNEL");
  }

  @Test
  void bothInterceptorsSeeFireAndForget() {
    StepVerifier.create(client.fireAndForget("watched", "Watched.Fire", new Req("ff"), direct))
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(watched.fired("ff").asMono())
        .expectNext("ff client=on server=on")
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(clientSaw).containsExactly("Watched.Fire FIRE_AND_FORGET");
    assertThat(serverSaw).containsExactly("Watched.Fire FIRE_AND_FORGET");
  }

  @Test
  void theFirstInterceptorAddedIsTheOutermost() {
    StepVerifier.create(client.call("watched", "Watched.Hello", new Req("o"), Reply.class, direct))
        .expectNextCount(1)
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(List.copyOf(order)).containsExactly("client outer", "client inner", "server outer", "server inner");
  }

  @Test
  void aServerInterceptorCanRefuseACall() {
    StepVerifier.create(client.call("watched", "Watched.Secret", new Req("s"), Reply.class, direct))
        .expectErrorSatisfies(error -> {
          MicroException refused = micro(error, 401);
          assertThat(refused.id()).isEqualTo("guard");
          assertThat(refused.detail()).isEqualTo("Watched.Secret needs a token");
        })
        .verify(TIMEOUT);
    StepVerifier.create(client.call("watched", "Watched.Secret", new Req("s"), Reply.class,
            direct.withMetadata("Authorization", "Bearer t0ken")))
        .expectNext(new Reply("the secret [s] [c]"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  private static String model(ServerCall call) {
    return call.fireAndForget() ? "FIRE_AND_FORGET" : call.endpoint().model().name();
  }

  private static String model(ClientCall call) {
    return call.fireAndForget() ? "FIRE_AND_FORGET" : call.model().name();
  }
}
