package io.reactivemicro.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivemicro.codec.Codec;
import io.reactivemicro.codec.Codecs;
import io.reactivemicro.codec.JsonCodec;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.metadata.Metadata;
import io.reactivemicro.server.spi.EndpointCodec;
import io.reactivemicro.server.spi.Router;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class ServerEndpointTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Metadata ADA = Metadata.of("X-User", "ada");

  record Request(String name) {}

  record Reply(String text) {}

  record StreamRequest(String name, int count) {}

  @Handler("Echo")
  static class Echo {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final AtomicInteger cancelled = new AtomicInteger();

    public Mono<Reply> call(Request request) {
      calls.add("call " + request.name());
      return Metadata.current().map(md -> new Reply("hello " + request.name() + " from " + md.get("x-user")));
    }

    public Flux<Reply> stream(StreamRequest request) {
      calls.add("stream " + request.name());
      return Metadata.current().flatMapMany(md -> Flux.range(1, request.count())
          .map(i -> new Reply(request.name() + " " + i + " " + md.get("x-user"))))
          .doOnCancel(cancelled::incrementAndGet);
    }

    public Flux<Reply> chat(Flux<Request> requests) {
      calls.add("chat");
      return Metadata.current().flatMapMany(md -> requests.map(r -> new Reply(r.name() + " " + md.get("x-user"))));
    }

    public Mono<Void> notify(Request request) {
      return Metadata.current().doOnNext(md -> calls.add("notify " + request.name() + " " + md.get("x-user"))).then();
    }

    public Mono<Reply> ping() {
      return Mono.just(new Reply("pong"));
    }

    public Mono<Reply> throwing(Request request) {
      throw new IllegalStateException("boom: " + request.name());
    }

    public Mono<Reply> failing(Request request) {
      return Mono.error(new IllegalArgumentException("bad state"));
    }

    public Flux<Reply> failingStream(Request request) {
      return Flux.concat(Mono.just(new Reply("first")), Mono.error(new RuntimeException()));
    }

    public Mono<Reply> refusing(Request request) {
      return Mono.error(MicroException.forbidden("auth", "%s may not", request.name()));
    }

    public Mono<Reply> nothing(Request request) {
      return null;
    }
  }

  private final Echo echo = new Echo();
  private final Router router = Router.builder("echo-service").handler(echo).build();

  @Test
  void requestResponseCallsTheHandlerWithMetadataInItsContext() {
    StepVerifier.create(router.require("Echo.Call").requestResponse(new Request("bob"), ADA))
        .expectNext(new Reply("hello bob from ada"))
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(echo.calls).containsExactly("call bob");
  }

  @Test
  void requestStreamCallsTheHandlerWithMetadataInItsContext() {
    StepVerifier.create(router.require("Echo.Stream").requestStream(new StreamRequest("tick", 3), ADA))
        .expectNext(new Reply("tick 1 ada"), new Reply("tick 2 ada"), new Reply("tick 3 ada"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void requestStreamHonoursDemandAndCancellationReachesTheHandler() {
    StepVerifier.create(router.require("Echo.Stream").requestStream(new StreamRequest("n", 1000), ADA), 2)
        .expectNextCount(2)
        .thenCancel()
        .verify(TIMEOUT);
    assertThat(echo.cancelled).hasValue(1);
    assertThat(router.inFlight()).isZero();
  }

  @Test
  void requestChannelCallsTheHandlerWithMetadataInItsContext() {
    Flux<Object> requests = Flux.just(new Request("a"), new Request("b"));

    StepVerifier.create(router.require("Echo.Chat").requestChannel(requests, ADA))
        .expectNext(new Reply("a ada"), new Reply("b ada"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void fireAndForgetRunsTheHandlerAndDiscardsItsResponse() {
    StepVerifier.create(router.require("Echo.Notify").fireAndForget(new Request("carol"), ADA))
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(router.require("Echo.Call").fireAndForget(new Request("dave"), ADA))
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(echo.calls).containsExactly("notify carol ada", "call dave");
  }

  @Test
  void handlerWithoutArgumentIsCalledWithoutRequest() {
    StepVerifier.create(router.require("Echo.Ping").requestResponse(null, Metadata.empty()))
        .expectNext(new Reply("pong"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void requestStreamOnARequestResponseEndpointGivesItsOneResponse() {
    StepVerifier.create(router.require("Echo.Call").requestStream(new Request("eve"), ADA))
        .expectNext(new Reply("hello eve from ada"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void exceptionThrownByTheHandlerIsA500FromTheService() {
    StepVerifier.create(router.require("Echo.Throwing").requestResponse(new Request("x"), ADA))
        .expectErrorSatisfies(error(e -> {
          assertThat(e.code()).isEqualTo(500);
          assertThat(e.id()).isEqualTo("echo-service");
          assertThat(e.detail()).isEqualTo("boom: x");
        }))
        .verify(TIMEOUT);
  }

  @Test
  void errorSignalledByTheHandlerIsA500FromTheService() {
    StepVerifier.create(router.require("Echo.Failing").requestResponse(new Request("x"), ADA))
        .expectErrorSatisfies(error(e -> {
          assertThat(e.code()).isEqualTo(500);
          assertThat(e.id()).isEqualTo("echo-service");
          assertThat(e.detail()).isEqualTo("bad state");
        }))
        .verify(TIMEOUT);
    StepVerifier.create(router.require("Echo.FailingStream").requestStream(new Request("x"), ADA))
        .expectNext(new Reply("first"))
        .expectErrorSatisfies(error(e -> {
          assertThat(e.code()).isEqualTo(500);
          assertThat(e.detail()).isEqualTo("RuntimeException");
        }))
        .verify(TIMEOUT);
  }

  @Test
  void microExceptionFromTheHandlerReachesTheCallerUnchanged() {
    StepVerifier.create(router.require("Echo.Refusing").requestResponse(new Request("mallory"), ADA))
        .expectErrorSatisfies(error(e -> {
          assertThat(e.code()).isEqualTo(403);
          assertThat(e.id()).isEqualTo("auth");
          assertThat(e.detail()).isEqualTo("mallory may not");
        }))
        .verify(TIMEOUT);
  }

  @Test
  void nullReturnedByTheHandlerIsA500() {
    StepVerifier.create(router.require("Echo.Nothing").requestResponse(new Request("x"), ADA))
        .expectErrorSatisfies(error(e -> {
          assertThat(e.code()).isEqualTo(500);
          assertThat(e.id()).isEqualTo("echo-service");
          assertThat(e.detail()).contains("Echo.Nothing returned null");
        }))
        .verify(TIMEOUT);
    assertThat(router.inFlight()).isZero();
  }

  @Test
  void requestResponseOnAStreamEndpointIsA400() {
    StepVerifier.create(router.require("Echo.Stream").requestResponse(new StreamRequest("x", 1), ADA))
        .expectErrorSatisfies(error(e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.detail()).isEqualTo("endpoint Echo.Stream serves request-stream, not request-response");
        }))
        .verify(TIMEOUT);
    assertThat(echo.calls).isEmpty();
  }

  @Test
  void otherModelMismatchesAre400s() {
    StepVerifier.create(router.require("Echo.Call").requestChannel(Flux.empty(), ADA))
        .expectErrorSatisfies(error(e -> assertThat(e.code()).isEqualTo(400)))
        .verify(TIMEOUT);
    StepVerifier.create(router.require("Echo.Chat").requestStream(new Request("x"), ADA))
        .expectErrorSatisfies(error(e -> assertThat(e.code()).isEqualTo(400)))
        .verify(TIMEOUT);
    StepVerifier.create(router.require("Echo.Chat").fireAndForget(new Request("x"), ADA))
        .expectErrorSatisfies(error(e -> assertThat(e.code()).isEqualTo(400)))
        .verify(TIMEOUT);
  }

  @Test
  void unknownEndpointIsA404NamingIt() {
    assertThat(router.endpoint("Echo.Missing")).isNull();
    assertThatThrownBy(() -> router.require("Echo.Missing"))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(404);
          assertThat(e.detail()).contains("Echo.Missing").contains("echo-service");
        });
  }

  @Test
  void endpointCodecDecodesRequestsAndEncodesResponses() {
    EndpointCodec codec = router.require("Echo.Call").codec("application/json; charset=utf-8");

    assertThat(codec.decode(ByteBuffer.wrap("{\"name\":\"zoe\"}".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(new Request("zoe"));
    assertThat(new String(codec.encode(new Reply("hi")), StandardCharsets.UTF_8)).isEqualTo("{\"text\":\"hi\"}");
    assertThat(router.require("Echo.Call").codec("application/json; charset=utf-8")).isSameAs(codec);
  }

  @Test
  void malformedRequestIsA400() {
    EndpointCodec codec = router.require("Echo.Call").codec("application/json");

    assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap("{nope".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.id()).isEqualTo("Echo.Call");
        });
  }

  @Test
  void unsupportedContentTypeIsA400NamingTheSupportedOnes() {
    assertThatThrownBy(() -> router.require("Echo.Call").codec("text/csv"))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.detail()).contains("text/csv").contains("application/json");
        });
    assertThatThrownBy(() -> router.require("Echo.Call").codec("application/protobuf"))
        .as("a record is no protobuf message")
        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(400));
  }

  @Test
  void endpointInfoDescribesModelAndTypes() {
    assertThat(router.require("Echo.Stream").info().metadata()).containsEntry("stream", "true");
    assertThat(router.require("Echo.Chat").info().metadata()).containsEntry("stream", "bidirectional");
    assertThat(router.require("Echo.Call").info().request().type()).isEqualTo("Request");
    assertThat(router.describe()).extracting(info -> info.name()).contains("Echo.Call", "Echo.Stream", "Echo.Chat");
  }

  private static Consumer<Throwable> error(Consumer<MicroException> check) {
    return error -> assertThat(error).isInstanceOfSatisfying(MicroException.class, check);
  }

  @Test
  void codecsArePreparedWhenTheRouterIsBuiltNotByTheFirstCall() {
    // Preparing builds Jackson's (de)serializers under a lock: that must happen on the building thread,
    // never on an event loop serving the first calls.
    List<String> prepared = new CopyOnWriteArrayList<>();
    JsonCodec json = new JsonCodec();
    Codec recording = new Codec() {
      @Override
      public String contentType() {
        return "application/x-recording+json";
      }

      @Override
      public Encoder encoder(java.lang.reflect.Type type) {
        prepared.add("encoder " + type.getTypeName() + " on " + Thread.currentThread().getName());
        return json.encoder(type);
      }

      @Override
      public Decoder decoder(java.lang.reflect.Type type) {
        prepared.add("decoder " + type.getTypeName() + " on " + Thread.currentThread().getName());
        return json.decoder(type);
      }
    };
    Router.builder("svc").codecs(Codecs.defaults().with(recording)).handler(new Echo()).build();

    String thread = Thread.currentThread().getName();
    assertThat(prepared)
        .contains("decoder " + Request.class.getTypeName() + " on " + thread,
            "encoder " + Reply.class.getTypeName() + " on " + thread)
        .allSatisfy(entry -> assertThat(entry).endsWith(" on " + thread));
  }
}
