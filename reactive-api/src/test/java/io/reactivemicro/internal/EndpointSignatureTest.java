package io.reactivemicro.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivemicro.internal.reflect.EndpointSignature;
import io.reactivemicro.server.Endpoint;
import io.reactivemicro.server.Handler;
import io.reactivemicro.server.InteractionModel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class EndpointSignatureTest {

  record Request(String name) {}

  record Reply(String message) {}

  static class Helloworld {
    public Mono<Reply> greeting(Request request) {
      return Mono.empty();
    }

    public Flux<Reply> stream(Request request) {
      return Flux.empty();
    }

    public Flux<Reply> chat(Flux<Request> requests) {
      return Flux.empty();
    }

    public Mono<Reply> ping() {
      return Mono.empty();
    }

    public Flux<Reply> ticks() {
      return Flux.empty();
    }

    public Mono<Void> forget(Request request) {
      return Mono.empty();
    }

    public Flux<? extends Reply> bounded(Publisher<Request> requests) {
      return Flux.empty();
    }

    public String notAnEndpoint(Request request) {
      return "";
    }

    public void neitherIsThis() {}

    public CompletableFuture<Reply> norThis(Request request) {
      return CompletableFuture.completedFuture(null);
    }

    public static Mono<Reply> staticMethodsAreNot(Request request) {
      return Mono.empty();
    }

    Mono<Reply> packagePrivateIsNot(Request request) {
      return Mono.empty();
    }
  }

  @Handler("Greeter")
  static class AnnotatedGreeter {
    public Mono<Reply> hello(Request request) {
      return Mono.empty();
    }
  }

  @Handler("Api")
  interface Api {
    Mono<Reply> hello(Request request);

    @Endpoint(value = "Lookup", idempotent = true)
    Mono<Reply> find(Request request);
  }

  static class ApiImpl implements Api {
    @Override
    public Mono<Reply> hello(Request request) {
      return Mono.empty();
    }

    @Override
    public Mono<Reply> find(Request request) {
      return Mono.empty();
    }
  }

  static class ApiSubclass extends ApiImpl {}

  static class Renamed {
    @Endpoint("Lookup")
    public Mono<Reply> find(Request request) {
      return Mono.empty();
    }

    @Endpoint("Users.Get")
    public Mono<Reply> get(Request request) {
      return Mono.empty();
    }

    @Endpoint(idempotent = true)
    public Mono<Reply> read(Request request) {
      return Mono.empty();
    }

    public Mono<Reply> write(Request request) {
      return Mono.empty();
    }
  }

  static class TwoArguments {
    public Mono<Reply> greeting(Request request, String extra) {
      return Mono.empty();
    }
  }

  static class Overloaded {
    public Mono<Reply> greeting(Request request) {
      return Mono.empty();
    }

    public Mono<Reply> greeting(Reply reply) {
      return Mono.empty();
    }
  }

  static class RenamedIntoAClash {
    public Mono<Reply> greeting(Request request) {
      return Mono.empty();
    }

    @Endpoint("Greeting")
    public Mono<Reply> hello(Request request) {
      return Mono.empty();
    }
  }

  static class MonoChannel {
    public Flux<Reply> chat(Mono<Request> request) {
      return Flux.empty();
    }
  }

  @SuppressWarnings("rawtypes")
  static class RawReturn {
    public Mono greeting(Request request) {
      return Mono.empty();
    }
  }

  @Test
  void endpointNameIsClassNameDotCapitalizedMethod() {
    assertThat(names(Helloworld.class)).containsOnlyKeys(
        "Helloworld.Greeting", "Helloworld.Stream", "Helloworld.Chat", "Helloworld.Ping", "Helloworld.Ticks",
        "Helloworld.Forget", "Helloworld.Bounded");
  }

  @Test
  void publicMethodsNotReturningMonoOrFluxAreIgnored() {
    assertThat(names(Helloworld.class)).doesNotContainKeys(
        "Helloworld.NotAnEndpoint", "Helloworld.NeitherIsThis", "Helloworld.NorThis",
        "Helloworld.StaticMethodsAreNot", "Helloworld.PackagePrivateIsNot", "Helloworld.HashCode");
  }

  @Test
  void interactionModelFollowsTheSignature() {
    Map<String, EndpointSignature> signatures = names(Helloworld.class);

    assertThat(signatures.get("Helloworld.Greeting")).satisfies(s -> {
      assertThat(s.model()).isEqualTo(InteractionModel.REQUEST_RESPONSE);
      assertThat(s.requestType()).isEqualTo(Request.class);
      assertThat(s.responseType()).isEqualTo(Reply.class);
      assertThat(s.singleResponse()).isTrue();
    });
    assertThat(signatures.get("Helloworld.Stream")).satisfies(s -> {
      assertThat(s.model()).isEqualTo(InteractionModel.REQUEST_STREAM);
      assertThat(s.requestType()).isEqualTo(Request.class);
      assertThat(s.singleResponse()).isFalse();
    });
    assertThat(signatures.get("Helloworld.Chat")).satisfies(s -> {
      assertThat(s.model()).isEqualTo(InteractionModel.REQUEST_CHANNEL);
      assertThat(s.requestType()).as("the element type of the request stream").isEqualTo(Request.class);
      assertThat(s.responseType()).isEqualTo(Reply.class);
    });
    assertThat(signatures.get("Helloworld.Bounded")).satisfies(s -> {
      assertThat(s.model()).isEqualTo(InteractionModel.REQUEST_CHANNEL);
      assertThat(s.responseType()).as("a wildcard's upper bound").isEqualTo(Reply.class);
    });
  }

  @Test
  void zeroArgumentMethodsTakeNoRequest() {
    Map<String, EndpointSignature> signatures = names(Helloworld.class);

    assertThat(signatures.get("Helloworld.Ping").model()).isEqualTo(InteractionModel.REQUEST_RESPONSE);
    assertThat(signatures.get("Helloworld.Ping").requestType()).isNull();
    assertThat(signatures.get("Helloworld.Ticks").model()).isEqualTo(InteractionModel.REQUEST_STREAM);
    assertThat(signatures.get("Helloworld.Ticks").requestType()).isNull();
  }

  @Test
  void monoOfVoidRespondsWithVoid() {
    assertThat(names(Helloworld.class).get("Helloworld.Forget").responseType()).isEqualTo(Void.class);
  }

  @Test
  void handlerAnnotationOnTheClassNamesTheEndpoints() {
    assertThat(names(AnnotatedGreeter.class)).containsOnlyKeys("Greeter.Hello");
  }

  @Test
  void handlerAnnotationOnAnImplementedInterfaceNamesTheEndpoints() {
    assertThat(EndpointSignature.prefix(ApiImpl.class)).isEqualTo("Api");
    assertThat(EndpointSignature.prefix(ApiSubclass.class)).isEqualTo("Api");
    assertThat(names(ApiImpl.class)).containsKey("Api.Hello");
  }

  @Test
  void endpointAnnotationOnAnInterfaceMethodAppliesToItsImplementation() {
    Map<String, EndpointSignature> client = names(Api.class);
    Map<String, EndpointSignature> server = names(ApiImpl.class);

    assertThat(client).containsOnlyKeys("Api.Hello", "Api.Lookup");
    assertThat(server).as("a handler serves the names its interface's proxy calls").containsOnlyKeys(client.keySet());
    assertThat(server.get("Api.Lookup").idempotent()).isTrue();
    assertThat(names(ApiSubclass.class)).containsOnlyKeys(client.keySet());
  }

  @Test
  void endpointAnnotationOverridesTheMethodPartOrTheFullName() {
    Map<String, EndpointSignature> signatures = names(Renamed.class);

    assertThat(signatures).containsOnlyKeys("Renamed.Lookup", "Users.Get", "Renamed.Read", "Renamed.Write");
  }

  @Test
  void endpointAnnotationMarksIdempotence() {
    Map<String, EndpointSignature> signatures = names(Renamed.class);

    assertThat(signatures.get("Renamed.Read").idempotent()).isTrue();
    assertThat(signatures.get("Renamed.Write").idempotent()).isFalse();
    assertThat(signatures.get("Renamed.Lookup").idempotent()).isFalse();
  }

  @Test
  void methodWithTwoArgumentsIsRefusedWithAClearMessage() {
    assertThatThrownBy(() -> EndpointSignature.of(TwoArguments.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TwoArguments#greeting takes 2 arguments")
        .hasMessageContaining("Metadata.current()");
  }

  @Test
  void overloadedMethodsAreRefusedAsDuplicateEndpoints() {
    assertThatThrownBy(() -> EndpointSignature.of(Overloaded.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint Overloaded.Greeting is declared twice");
  }

  @Test
  void renamingOntoAnotherEndpointIsRefused() {
    assertThatThrownBy(() -> EndpointSignature.of(RenamedIntoAClash.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RenamedIntoAClash.Greeting is declared twice");
  }

  @Test
  void channelMustTakeAFluxOrPublisher() {
    assertThatThrownBy(() -> EndpointSignature.of(MonoChannel.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MonoChannel#chat takes a Mono");
  }

  @Test
  void rawReturnTypeIsRefused() {
    assertThatThrownBy(() -> EndpointSignature.of(RawReturn.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("raw Mono");
  }

  private static Map<String, EndpointSignature> names(Class<?> type) {
    List<EndpointSignature> signatures = EndpointSignature.of(type);
    return signatures.stream().collect(Collectors.toMap(EndpointSignature::name, Function.identity()));
  }
}
