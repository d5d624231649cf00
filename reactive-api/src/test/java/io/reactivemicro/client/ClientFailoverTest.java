package io.reactivemicro.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.codec.Codec;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.registry.Node;
import io.reactivemicro.selector.Filter;
import io.reactivemicro.selector.Next;
import io.reactivemicro.selector.Selector;
import io.reactivemicro.transport.spi.ClientTransport;
import io.reactivemicro.transport.ConnectionFailedException;
import io.reactivemicro.transport.spi.OutboundRequest;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The client's fail-over and retry rules, over a scripted transport and a selector that records what the
 * client tells it: a call not sent goes to the next node; a call that may have reached a node is sent
 * again only when the endpoint is idempotent.
 */
class ClientFailoverTest {

  private static final Duration VERIFY = Duration.ofSeconds(5);
  private static final Node A = Node.of("a", "10.0.0.1:1");
  private static final Node B = Node.of("b", "10.0.0.2:1");
  private static final Node C = Node.of("c", "10.0.0.3:1");

  private final ScriptedTransport transport = new ScriptedTransport();
  private final RecordingSelector selector = new RecordingSelector(List.of(A, B, C));
  private final Client client = Client.builder().transport(transport).selector(selector)
      .defaults(RequestOptions.defaults().withTimeout(Duration.ofSeconds(1))).build();

  @AfterEach
  void close() {
    client.close().block(Duration.ofSeconds(5));
  }

  @Test
  void aCallNotSentGoesToTheNextNodeWhateverTheEndpoint() {
    transport.script(A, () -> Mono.error(refused(A)));

    StepVerifier.create(call(RequestOptions.defaults()))
        .expectNext("b")
        .expectComplete()
        .verify(VERIFY);

    assertThat(transport.attempts).containsExactly(A.address(), B.address());
    assertThat(selector.events).containsExactly("start a", "fail a ConnectionFailedException", "start b", "ok b");
  }

  @Test
  void aNonIdempotentCallThatMayHaveReachedANodeIsNeverSentAgain() {
    transport.script(A, () -> Mono.error(MicroException.serviceUnavailable("t", "connection to a lost")));

    StepVerifier.create(call(RequestOptions.defaults()))
        .expectErrorSatisfies(error -> assertThat(((MicroException) error).code()).isEqualTo(503))
        .verify(VERIFY);

    assertThat(transport.attempts).containsExactly(A.address());
  }

  @Test
  void anEndpointTheRegistrationSaysIsIdempotentIsRetriedOnAnotherNodeAfterTheBackOff() {
    selector.idempotent = true;
    transport.script(A, () -> Mono.error(MicroException.serviceUnavailable("t", "connection to a lost")));

    StepVerifier.withVirtualTime(() -> call(RequestOptions.defaults()))
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(49))
        .thenAwait(Duration.ofMillis(1))
        .expectNext("b")
        .expectComplete()
        .verify(VERIFY);

    assertThat(transport.attempts).containsExactly(A.address(), B.address());
  }

  @Test
  void theCallersOptionsOverrideTheRegistration() {
    selector.idempotent = true;
    transport.script(A, () -> Mono.error(MicroException.gatewayTimeout("t", "upstream timed out")));

    StepVerifier.create(call(RequestOptions.defaults().withIdempotent(false)))
        .expectErrorSatisfies(error -> assertThat(((MicroException) error).code()).isEqualTo(504))
        .verify(VERIFY);

    assertThat(transport.attempts).containsExactly(A.address());
  }

  @Test
  void retriesAreBoundedAndTheirBackOffDoubles() {
    for (Node node : List.of(A, B, C)) {
      transport.script(node, () -> Mono.error(MicroException.serviceUnavailable("t", "busy")));
    }

    StepVerifier.withVirtualTime(() -> call(RequestOptions.defaults().withIdempotent(true).withRetries(2)))
        .expectSubscription()
        .then(() -> assertThat(transport.attempts).hasSize(1))
        .thenAwait(Duration.ofMillis(50))
        .then(() -> assertThat(transport.attempts).hasSize(2))
        .thenAwait(Duration.ofMillis(99))
        .then(() -> assertThat(transport.attempts).hasSize(2))
        .thenAwait(Duration.ofMillis(1))
        .expectErrorSatisfies(error -> assertThat(((MicroException) error).code()).isEqualTo(503))
        .verify(VERIFY);

    assertThat(transport.attempts).containsExactly(A.address(), B.address(), C.address());
  }

  @Test
  void aTimeoutCountsAgainstTheNodeAndAnIdempotentCallMovesOn() {
    transport.script(A, Mono::never);

    StepVerifier.withVirtualTime(() -> call(RequestOptions.defaults().withIdempotent(true)))
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(1).plusMillis(50))
        .expectNext("b")
        .expectComplete()
        .verify(VERIFY);

    assertThat(selector.events).containsExactly("start a", "fail a MicroException 408", "start b", "ok b");
  }

  @Test
  void aTimedOutNonIdempotentCallIsNotSentAgain() {
    transport.script(A, Mono::never);

    StepVerifier.withVirtualTime(() -> call(RequestOptions.defaults()))
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(1))
        .expectErrorSatisfies(error -> assertThat(((MicroException) error).code()).isEqualTo(408))
        .verify(VERIFY);

    assertThat(transport.attempts).containsExactly(A.address());
  }

  @Test
  void whenNoNodeCanBeReachedTheCallFailsWith503() {
    for (Node node : List.of(A, B, C)) {
      transport.script(node, () -> Mono.error(refused(node)));
    }

    StepVerifier.create(call(RequestOptions.defaults()))
        .expectErrorSatisfies(error -> assertThat(((MicroException) error).detail())
            .isEqualTo("service svc: no node could be reached (3 tried)"))
        .verify(VERIFY);
  }

  @Test
  void aCancelledCallEndsWithoutAVerdictOnTheNode() {
    transport.script(A, Mono::never);

    StepVerifier.create(call(RequestOptions.defaults()))
        .expectSubscription()
        .thenCancel()
        .verify(VERIFY);

    assertThat(selector.events).containsExactly("start a", "fail a CancellationException");
  }

  @Test
  void aStreamThatDeliveredIsNotSentAgain() {
    transport.stream = Flux.concat(Flux.just("first"),
        Flux.error(MicroException.serviceUnavailable("t", "connection lost")));

    StepVerifier.create(client.stream("svc", "Svc.Stream", null, String.class,
            RequestOptions.defaults().withIdempotent(true)))
        .expectNext("first")
        .expectErrorSatisfies(error -> assertThat(((MicroException) error).code()).isEqualTo(503))
        .verify(VERIFY);

    assertThat(transport.attempts).hasSize(1);
    assertThat(selector.events).containsExactly("start a", "fail a MicroException 503");
  }

  @Test
  void aFixedAddressBypassesTheSelector() {
    StepVerifier.create(call(RequestOptions.defaults().withAddress("10.9.9.9:1")))
        .expectNext("10.9.9.9:1")
        .expectComplete()
        .verify(VERIFY);

    assertThat(selector.events).isEmpty();
    assertThat(selector.filters).isEmpty();
  }

  @Test
  void theCallsFilterMergedWithTheClientsGoesToTheSelector() {
    Client filtered = Client.builder().transport(transport).selector(selector)
        .defaults(RequestOptions.defaults().withFilter(Filter.any().version("1.0.0").metadata("zone", "eu"))).build();

    StepVerifier.create(filtered.call("svc", "Svc.Call", null, String.class,
            RequestOptions.defaults().withFilter(Filter.any().metadata("track", "canary"))))
        .expectNext("a")
        .expectComplete()
        .verify(VERIFY);

    assertThat(selector.filters).containsExactly(Filter.any().version("1.0.0").metadata("zone", "eu")
        .metadata("track", "canary"));
  }

  private Mono<String> call(RequestOptions options) {
    return client.call("svc", "Svc.Call", null, String.class, options);
  }

  private static ConnectionFailedException refused(Node node) {
    return new ConnectionFailedException(node.address(), new ConnectException("refused"));
  }

  /** A selector always ordering A, B, C, that records what the client tells it. */
  static final class RecordingSelector implements Selector {
    final List<Node> nodes;
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Filter> filters = new CopyOnWriteArrayList<>();
    volatile boolean idempotent;

    RecordingSelector(List<Node> nodes) {
      this.nodes = nodes;
    }

    @Override
    public Mono<Next> select(String service, Filter filter) {
      filters.add(filter);
      int[] position = {0};
      return Mono.just(new Next() {
        @Override
        public Node next() {
          return nodes.get(position[0]++ % nodes.size());
        }

        @Override
        public boolean idempotent(String endpoint) {
          return idempotent;
        }
      });
    }

    @Override
    public void started(String service, Node node) {
      events.add("start " + node.id());
    }

    @Override
    public void mark(String service, Node node, @Nullable Throwable error) {
      if (error == null) {
        events.add("ok " + node.id());
      } else {
        events.add("fail " + node.id() + " " + error.getClass().getSimpleName()
            + (error instanceof MicroException micro ? " " + micro.code() : ""));
      }
    }
  }

  /** A transport whose answers per address are scripted; unscripted addresses answer their node's id. */
  static final class ScriptedTransport implements ClientTransport {
    final Map<String, Supplier<Mono<Object>>> scripts = new ConcurrentHashMap<>();
    final List<String> attempts = new CopyOnWriteArrayList<>();
    volatile Flux<Object> stream = Flux.empty();

    void script(Node node, Supplier<Mono<Object>> answer) {
      scripts.put(node.address(), answer);
    }

    @Override
    public Mono<Object> requestResponse(String address, OutboundRequest request, Codec.Decoder decoder) {
      return Mono.defer(() -> {
        attempts.add(address);
        Supplier<Mono<Object>> script = scripts.get(address);
        return script != null ? script.get() : Mono.just(id(address));
      });
    }

    @Override
    public Flux<Object> requestStream(String address, OutboundRequest request, Codec.Decoder decoder) {
      return Flux.defer(() -> {
        attempts.add(address);
        return stream;
      });
    }

    @Override
    public Flux<Object> requestChannel(String address, OutboundRequest request, Publisher<byte[]> rest,
        Codec.Decoder decoder) {
      return Flux.error(new UnsupportedOperationException());
    }

    @Override
    public Mono<Void> fireAndForget(String address, OutboundRequest request) {
      return Mono.error(new UnsupportedOperationException());
    }

    @Override
    public Mono<Void> close() {
      return Mono.empty();
    }

    private static String id(String address) {
      return switch (address) {
        case "10.0.0.1:1" -> "a";
        case "10.0.0.2:1" -> "b";
        case "10.0.0.3:1" -> "c";
        default -> address;
      };
    }
  }
}
