package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.RpcTestSupport.LOOPBACK;
import static io.reactivemicro.rsocket.RpcTestSupport.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivemicro.Service;
import io.reactivemicro.client.Client;
import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.codec.TypeRef;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.rsocket.RpcTestSupport.Reply;
import io.reactivemicro.rsocket.RpcTestSupport.Req;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The shape of the call API: answers typed from a class or a type token with no type arguments, the
 * address a service is bound to, and calls to a fixed address with no service name.
 */
class CallApiTest {

  /** Endpoints {@code Shapes.*}. */
  public static final class Shapes {
    public Mono<Reply> hello(Req request) {
      return Mono.just(new Reply("Hello " + request.name()));
    }

    public Mono<List<Reply>> many(Req request) {
      return Mono.just(List.of(new Reply(request.name() + " 1"), new Reply(request.name() + " 2")));
    }

    public Flux<Map<String, Integer>> counts(Req request) {
      return Flux.range(1, 3).map(i -> Map.of(request.name(), i));
    }
  }

  /** The client's side. */
  public static final class ClientSide {
    private ClientSide() {}

    /** The client's view of {@link CallApiTest.Shapes}: endpoints are named after the interface. */
    public interface Shapes {
      Mono<Reply> hello(Req request);
    }
  }

  static final Registry registry = Registry.memory();
  static Service service;
  static Client client;

  @BeforeAll
  static void start() {
    service = RpcTestSupport.started(Service.builder("shapes").address(LOOPBACK).registry(registry)
        .handler(new Shapes()));
    client = Client.builder().registry(registry).build();
  }

  @AfterAll
  static void stop() {
    client.close().block(TIMEOUT);
    RpcTestSupport.stop(service);
  }

  @Test
  void aServiceTellsTheAddressItIsBoundTo() {
    assertThat(service.address()).startsWith("127.0.0.1:").doesNotEndWith(":0");
    assertThat(service.address()).isEqualTo(service.info().nodes().get(0).address());
  }

  @Test
  void aResponseClassTypesTheAnswerInAChain() {
    // No type arguments: the Mono is a Mono<Reply>, so map sees a Reply.
    Mono<String> message = client.call("shapes", "Shapes.Hello", new Req("ann"), Reply.class, RequestOptions.defaults())
        .map(Reply::message);
    StepVerifier.create(message).expectNext("Hello ann").expectComplete().verify(TIMEOUT);
  }

  @Test
  void aTypeTokenTypesAGenericAnswer() {
    Mono<List<Reply>> replies = client.call("shapes", "Shapes.Many", new Req("bo"), new TypeRef<List<Reply>>() {});
    StepVerifier.create(replies.map(list -> list.get(1).message())).expectNext("bo 2").expectComplete().verify(TIMEOUT);

    Flux<Map<String, Integer>> counts = client.stream("shapes", "Shapes.Counts", new Req("c"),
        new TypeRef<Map<String, Integer>>() {});
    StepVerifier.create(counts.map(map -> map.get("c"))).expectNext(1, 2, 3).expectComplete().verify(TIMEOUT);
  }

  @Test
  void aCallToAFixedAddressNeedsNoServiceName() {
    RequestOptions direct = RequestOptions.defaults().withAddress(service.address());
    StepVerifier.create(client.call("", "Shapes.Hello", new Req("dee"), Reply.class, direct))
        .expectNext(new Reply("Hello dee"))
        .expectComplete()
        .verify(TIMEOUT);

    ClientSide.Shapes proxy = client.proxy(ClientSide.Shapes.class, direct);
    StepVerifier.create(proxy.hello(new Req("eve"))).expectNext(new Reply("Hello eve")).expectComplete().verify(TIMEOUT);
    assertThat(proxy.toString()).contains("the node at " + service.address());
  }

  @Test
  void aCallWithNeitherServiceNorAddressIsRefusedClearly() {
    StepVerifier.create(client.call("", "Shapes.Hello", new Req("fay"), Reply.class))
        .expectErrorSatisfies(error -> assertThat(error)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("neither a service name nor an address"))
        .verify(TIMEOUT);
    assertThatThrownBy(() -> client.proxy(ClientSide.Shapes.class, RequestOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs an address");
  }

  @Test
  void aTypeTokenWithoutItsArgumentIsRefused() {
    assertThatThrownBy(() -> new TypeRef() {})
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("type argument");
    assertThat(TypeRef.of(Reply.class)).isEqualTo(new TypeRef<Reply>() {});
  }
}
