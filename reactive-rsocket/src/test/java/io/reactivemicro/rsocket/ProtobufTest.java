package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.RpcTestSupport.LOOPBACK;
import static io.reactivemicro.rsocket.RpcTestSupport.TIMEOUT;
import static io.reactivemicro.rsocket.RpcTestSupport.micro;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import io.reactivemicro.Service;
import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.client.Client;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.registry.Registry;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Protobuf messages cross the wire under both of Protobuf's content types. */
class ProtobufTest {

  /** Endpoints {@code Proto.*} on protobuf-java's well-known wrapper messages. */
  public static final class Proto {
    public Mono<StringValue> upper(StringValue value) {
      if (value.getValue().isEmpty()) {
        return Mono.error(MicroException.badRequest("proto", "empty value"));
      }
      return Mono.just(StringValue.of(value.getValue().toUpperCase(Locale.ROOT)));
    }

    public Flux<Int32Value> countTo(Int32Value limit) {
      return Flux.range(1, limit.getValue()).map(Int32Value::of);
    }

    public Flux<StringValue> echoAll(Flux<StringValue> values) {
      return values.map(v -> StringValue.of(v.getValue() + "!"));
    }
  }

  static final Registry registry = Registry.memory();
  static Service service;
  static Client client;

  @BeforeAll
  static void start() {
    service = RpcTestSupport.started(Service.builder("proto").address(LOOPBACK).registry(registry).handler(new Proto()));
    client = Client.builder().registry(registry).build();
  }

  @AfterAll
  static void stop() {
    client.close().block(Duration.ofSeconds(10));
    RpcTestSupport.stop(service);
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/protobuf", "application/x-protobuf"})
  void requestResponseSpeaksProtobuf(String contentType) {
    StepVerifier.create(client.call("proto", "Proto.Upper", StringValue.of("héllo wörld"),
            StringValue.class, RequestOptions.defaults().withContentType(contentType)))
        .expectNext(StringValue.of("HÉLLO WÖRLD"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/protobuf", "application/x-protobuf"})
  void streamsAndChannelsSpeakProtobuf(String contentType) {
    RequestOptions options = RequestOptions.defaults().withContentType(contentType);
    StepVerifier.create(client.<Int32Value>stream("proto", "Proto.CountTo", Int32Value.of(3), Int32Value.class, options))
        .expectNext(Int32Value.of(1), Int32Value.of(2), Int32Value.of(3))
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(client.channel("proto", "Proto.EchoAll",
            Flux.just(StringValue.of("a"), StringValue.of("b")), StringValue.class, options))
        .expectNext(StringValue.of("a!"), StringValue.of("b!"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/protobuf", "application/x-protobuf"})
  void errorsOfAProtobufCallStillArriveInGoMicrosShape(String contentType) {
    StepVerifier.create(client.call("proto", "Proto.Upper", StringValue.of(""), StringValue.class,
            RequestOptions.defaults().withContentType(contentType)))
        .expectErrorSatisfies(error -> {
          MicroException received = micro(error, 400);
          assertThat(received.id()).isEqualTo("proto");
          assertThat(received.detail()).isEqualTo("empty value");
        })
        .verify(TIMEOUT);
  }
}
