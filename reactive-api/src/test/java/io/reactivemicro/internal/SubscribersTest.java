package io.reactivemicro.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.Message;
import io.reactivemicro.broker.Subscribe;
import io.reactivemicro.codec.Codecs;
import io.reactivemicro.internal.subscribe.Subscribers;
import io.reactivemicro.metadata.Metadata;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class SubscribersTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  record Order(String id, int amount) {}

  /** Subscribes to the test topic. */
  public static final class OrderHandler {
    final List<Order> orders = new CopyOnWriteArrayList<>();
    final List<String> requestIds = new CopyOnWriteArrayList<>();
    final List<String> contextIds = new CopyOnWriteArrayList<>();
    final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
    final Sinks.Many<Object> seen = Sinks.many().replay().all();
    volatile Sinks.Empty<Void> gate = Sinks.empty();

    @Subscribe(topic = "orders-topic")
    public Mono<Void> onOrder(Order order, Metadata metadata) {
      return Metadata.current().flatMap(md -> {
        orders.add(order);
        requestIds.add(String.valueOf(metadata.get("X-Request-Id")));
        contextIds.add(String.valueOf(md.get("x-request-id")));
        if (order.amount() < 0) {
          seen.tryEmitNext(order);
          return Mono.error(new IllegalArgumentException("negative amount"));
        }
        return gate.asMono().doOnSuccess(v -> seen.tryEmitNext(order));
      });
    }

    @Subscribe(topic = "orders-topic", queue = "raw")
    public Mono<Void> onRaw(Message message, Map<String, String> headers) {
      this.headers.add(headers);
      seen.tryEmitNext(message);
      return Mono.empty();
    }
  }

  private static Message json(String body, String... headers) {
    Message message = Message.of(body.getBytes(UTF_8)).withHeader("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2) {
      message = message.withHeader(headers[i], headers[i + 1]);
    }
    return message;
  }

  @Test
  void handlersReceiveDecodedMessagesWithTheirMetadataAndStopAfterMessagesInFlight() {
    Broker broker = Broker.memory();
    OrderHandler handler = new OrderHandler();
    handler.gate.tryEmitEmpty();
    Subscribers subscribers = new Subscribers("shop", broker, Codecs.defaults(), List.of(handler));
    subscribers.start().block(TIMEOUT);

    broker.publish("orders-topic", json("{\"id\":\"a\",\"amount\":3}", "X-Request-Id", "42")).block(TIMEOUT);
    broker.publish("orders-topic", json("{\"id\":\"b\",\"amount\":-1}")).block(TIMEOUT);
    broker.publish("orders-topic", json("{\"id\":\"c\",\"amount\":5}")).block(TIMEOUT);
    handler.seen.asFlux().take(6).then().block(TIMEOUT);

    assertThat(handler.orders).extracting(Order::id).containsExactly("a", "b", "c");
    assertThat(handler.requestIds).containsExactly("42", "null", "null");
    assertThat(handler.contextIds).containsExactly("42", "null", "null");
    assertThat(handler.headers.get(0)).containsEntry("X-Request-Id", "42");

    // A message in flight finishes before stop completes; later ones are not delivered.
    handler.gate = Sinks.empty();
    broker.publish("orders-topic", json("{\"id\":\"d\",\"amount\":1}")).block(TIMEOUT);
    Mono<Void> stopped = subscribers.stop(TIMEOUT);
    StepVerifier.create(stopped)
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(200))
        .then(() -> handler.gate.tryEmitEmpty())
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(handler.seen.asFlux().take(Duration.ofMillis(100)).collectList().block(TIMEOUT))
        .filteredOn(o -> o instanceof Order order && order.id().equals("d")).hasSize(1);
    broker.publish("orders-topic", json("{\"id\":\"e\",\"amount\":1}")).block(TIMEOUT);
    assertThat(handler.orders).extracting(Order::id).doesNotContain("e");
  }

  @Test
  void undecodableMessagesAreDroppedAndTheSubscriptionGoesOn() {
    Broker broker = Broker.memory();
    OrderHandler handler = new OrderHandler();
    handler.gate.tryEmitEmpty();
    Subscribers subscribers = new Subscribers("shop", broker, Codecs.defaults(), List.of(handler));
    subscribers.start().block(TIMEOUT);
    broker.publish("orders-topic", json("not json")).block(TIMEOUT);
    broker.publish("orders-topic", Message.of("{}".getBytes(UTF_8)).withHeader("Content-Type", "text/unknown"))
        .block(TIMEOUT);
    broker.publish("orders-topic", json("{\"id\":\"ok\",\"amount\":1}")).block(TIMEOUT);
    handler.seen.asFlux().filter(o -> o instanceof Order).next().block(TIMEOUT);
    assertThat(handler.orders).extracting(Order::id).containsExactly("ok");
    subscribers.stop(TIMEOUT).block(TIMEOUT);
  }

  @Test
  void methodsOfTheWrongShapeAreRefused() {
    record NoSubscriber() {}
    assertThatThrownBy(() -> new Subscribers("s", Broker.memory(), Codecs.defaults(), List.of(new NoSubscriber())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no public @Subscribe method");
    assertThatThrownBy(() -> new Subscribers("s", Broker.memory(), Codecs.defaults(), List.of(new WrongReturn())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("returns Mono<Void>");
  }

  /** A subscriber method that does not return a Mono. */
  public static final class WrongReturn {
    @Subscribe(topic = "t")
    public String handle(String message) {
      return message;
    }
  }
}
