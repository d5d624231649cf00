package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.RpcTestSupport.LOOPBACK;
import static io.reactivemicro.rsocket.RpcTestSupport.TIMEOUT;
import static io.reactivemicro.rsocket.RpcTestSupport.micro;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.Service;
import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.client.Client;
import io.reactivemicro.codec.Codec;
import io.reactivemicro.codec.CodecException;
import io.reactivemicro.codec.Codecs;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.rsocket.RpcTestSupport.Reply;
import io.reactivemicro.rsocket.RpcTestSupport.Req;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Errors cross the wire in Go Micro's shape: id, code, detail and status intact, never a stack trace. */
class ErrorPropagationTest {

  /** The errors {@code Faulty.Fail} fails with, by request name. */
  static final Map<String, MicroException> ERRORS = Map.of(
      "notFound", MicroException.notFound("users", "user %d does not exist", 7),
      "conflict", MicroException.conflict("orders", "order %s already exists", "o-9"),
      "forbidden", MicroException.forbidden("vault", "no entry for %s", "mallory"),
      "unauthorized", MicroException.unauthorized("auth", "token expired"),
      "badRequest", MicroException.badRequest("faulty", "name must not be \"quoted\" or contain \n newlines"),
      "unavailable", MicroException.serviceUnavailable("db", "replica lagging"),
      "teapot", new MicroException("kitchen", 418, "I'm a teapot", "I'm a teapot", null));

  /** Endpoints {@code Faulty.*}, each failing in its own way. */
  public static final class Faulty {
    public Mono<Reply> fail(Req request) {
      return Mono.error(ERRORS.get(request.name()));
    }

    public Mono<Reply> throwing(Req request) {
      throw new IllegalStateException("the database is on fire: " + request.name());
    }

    public Mono<Reply> erroring(Req request) {
      return Mono.error(new IllegalArgumentException("cannot handle " + request.name()));
    }

    public Flux<Reply> failMidway(Req request) {
      return Flux.just(new Reply("first"), new Reply("second"))
          .concatWith(Flux.error(MicroException.conflict("streams", "stream %s broke", request.name())));
    }

    public Flux<Reply> crashMidway(Req request) {
      return Flux.just(new Reply("first")).concatWith(Flux.error(new IllegalStateException("crashed")));
    }

    public Mono<Void> fire(Req request) {
      return Mono.empty();
    }
  }

  /** A codec this client speaks and the server does not. */
  static final class PlainTextCodec implements Codec {
    @Override
    public String contentType() {
      return "text/plain";
    }

    @Override
    public Encoder encoder(Type type) {
      return value -> String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Decoder decoder(Type type) {
      return data -> {
        throw new CodecException("not expected to decode");
      };
    }
  }

  static final Registry registry = Registry.memory();
  static Service service;
  static Client client;

  @BeforeAll
  static void start() {
    service = RpcTestSupport.started(Service.builder("faulty").address(LOOPBACK).registry(registry)
        .handler(new Faulty()));
    client = Client.builder().registry(registry).build();
  }

  @AfterAll
  static void stop() {
    client.close().block(Duration.ofSeconds(10));
    RpcTestSupport.stop(service);
  }

  static Stream<String> errorNames() {
    return ERRORS.keySet().stream().sorted();
  }

  @ParameterizedTest
  @MethodSource("errorNames")
  void aHandlersMicroExceptionArrivesWithTheSameIdCodeDetailAndStatus(String name) {
    MicroException sent = ERRORS.get(name);
    StepVerifier.create(client.call("faulty", "Faulty.Fail", new Req(name), Reply.class))
        .expectErrorSatisfies(error -> {
          assertThat(error).isInstanceOf(MicroException.class);
          MicroException received = (MicroException) error;
          assertThat(received.code()).isEqualTo(sent.code());
          assertThat(received.id()).isEqualTo(sent.id());
          assertThat(received.detail()).isEqualTo(sent.detail());
          assertThat(received.status()).isEqualTo(sent.status());
          assertThat(received.toJson()).isEqualTo(sent.toJson());
        })
        .verify(TIMEOUT);
  }

  @Test
  void anExceptionThrownByTheHandlerArrivesAsA500WithItsMessageOnly() {
    StepVerifier.create(client.call("faulty", "Faulty.Throwing", new Req("x"), Reply.class))
        .expectErrorSatisfies(error -> {
          MicroException received = micro(error, 500);
          assertThat(received.id()).isEqualTo("faulty");
          assertThat(received.detail()).isEqualTo("the database is on fire: x");
          assertNoStackTrace(received);
        })
        .verify(TIMEOUT);
  }

  @Test
  void anExceptionReturnedByTheHandlerArrivesAsA500WithItsMessageOnly() {
    StepVerifier.create(client.call("faulty", "Faulty.Erroring", new Req("y"), Reply.class))
        .expectErrorSatisfies(error -> {
          MicroException received = micro(error, 500);
          assertThat(received.id()).isEqualTo("faulty");
          assertThat(received.detail()).isEqualTo("cannot handle y");
          assertNoStackTrace(received);
        })
        .verify(TIMEOUT);
  }

  @Test
  void aStreamThatFailsMidwayDeliversItsElementsThenTheError() {
    StepVerifier.create(client.stream("faulty", "Faulty.FailMidway", new Req("s1"), Reply.class))
        .expectNext(new Reply("first"), new Reply("second"))
        .expectErrorSatisfies(error -> {
          MicroException received = micro(error, 409);
          assertThat(received.id()).isEqualTo("streams");
          assertThat(received.detail()).isEqualTo("stream s1 broke");
        })
        .verify(TIMEOUT);
  }

  @Test
  void aStreamThatCrashesMidwayEndsWithA500() {
    StepVerifier.create(client.stream("faulty", "Faulty.CrashMidway", new Req("s2"), Reply.class))
        .expectNext(new Reply("first"))
        .expectErrorSatisfies(error -> {
          MicroException received = micro(error, 500);
          assertThat(received.detail()).isEqualTo("crashed");
          assertNoStackTrace(received);
        })
        .verify(TIMEOUT);
  }

  @Test
  void anUnknownEndpointIsA404() {
    StepVerifier.create(client.call("faulty", "Faulty.Nope", new Req("z"), Reply.class))
        .expectErrorSatisfies(error -> {
          MicroException received = micro(error, 404);
          assertThat(received.id()).isEqualTo("faulty");
          assertThat(received.detail()).contains("Faulty.Nope");
        })
        .verify(TIMEOUT);
  }

  @Test
  void anUnknownStreamEndpointIsA404() {
    StepVerifier.create(client.stream("faulty", "Faulty.NoStream", new Req("z"), Reply.class))
        .expectErrorSatisfies(error -> assertThat(micro(error, 404).detail()).contains("Faulty.NoStream"))
        .verify(TIMEOUT);
  }

  @Test
  void aContentTypeTheServerDoesNotSpeakIsA400NamingTheSupportedOnes() {
    Client plain = Client.builder().registry(registry).codecs(Codecs.defaults().with(new PlainTextCodec())).build();
    try {
      StepVerifier.create(plain.call("faulty", "Faulty.Fail", "hello", Reply.class,
              RequestOptions.defaults().withContentType("text/plain")))
          .expectErrorSatisfies(error -> {
            MicroException received = micro(error, 400);
            assertThat(received.id()).isEqualTo("faulty");
            assertThat(received.detail()).contains("text/plain", "application/json", "application/octet-stream",
                "application/protobuf");
          })
          .verify(TIMEOUT);
    } finally {
      plain.close().block(Duration.ofSeconds(10));
    }
  }

  @Test
  void aContentTypeTheClientDoesNotSpeakIsA400NamingTheSupportedOnes() {
    StepVerifier.create(client.call("faulty", "Faulty.Fail", new Req("a"), Reply.class,
            RequestOptions.defaults().withContentType("application/yaml")))
        .expectErrorSatisfies(error -> assertThat(micro(error, 400).detail())
            .contains("application/yaml", "application/json", "application/octet-stream"))
        .verify(TIMEOUT);
  }

  @Test
  void aServiceMissingFromTheRegistryFailsAtOnceWithA404() {
    RequestOptions patient = RequestOptions.defaults().withTimeout(Duration.ofSeconds(30));
    StepVerifier.create(client.call("ghost", "Ghost.Boo", new Req("a"), Reply.class, patient))
        .expectErrorSatisfies(error -> assertThat(micro(error, 404).detail()).isEqualTo("service ghost: not found"))
        .verify(Duration.ofSeconds(2));
    StepVerifier.create(client.stream("ghost", "Ghost.Boo", new Req("a"), Reply.class))
        .expectErrorSatisfies(error -> assertThat(micro(error, 404).detail()).isEqualTo("service ghost: not found"))
        .verify(Duration.ofSeconds(2));
    StepVerifier.create(client.fireAndForget("ghost", "Ghost.Boo", new Req("a")))
        .expectErrorSatisfies(error -> assertThat(micro(error, 404).detail()).isEqualTo("service ghost: not found"))
        .verify(Duration.ofSeconds(2));
  }

  @Test
  void theConnectionStaysUsableAfterErrors() {
    StepVerifier.create(client.call("faulty", "Faulty.Throwing", new Req("again"), Reply.class))
        .expectError(MicroException.class)
        .verify(TIMEOUT);
    StepVerifier.create(client.fireAndForget("faulty", "Faulty.Fire", new Req("ok")))
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(client.stream("faulty", "Faulty.FailMidway", new Req("s3"), Reply.class))
        .expectNextCount(2)
        .expectError(MicroException.class)
        .verify(TIMEOUT);
  }

  private static void assertNoStackTrace(MicroException error) {
    for (String text : new String[] {error.detail(), error.getMessage(), error.toJson()}) {
      assertThat(text).doesNotContain("\tat ", "\n", "Exception", ".java:");
    }
  }
}
