package io.reactivemicro.broker.rabbitmq;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.Message;
import io.reactivemicro.broker.Subscribe;
import io.reactivemicro.codec.Codecs;
import io.reactivemicro.internal.subscribe.Subscribers;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** A service subscriber on RabbitMQ: a failed message is delivered once more, then dropped. */
class RabbitMqSubscriberTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final String TOPIC = "subscriber-" + UUID.randomUUID();

  private final Broker broker = RabbitMqBroker.builder(List.of("127.0.0.1:5672")).build();

  /** Fails on messages whose body starts with "fail", as often as it is told. */
  public static final class Flaky {
    final List<String> attempts = new CopyOnWriteArrayList<>();
    final Sinks.Many<String> seen = Sinks.many().replay().all();

    @Subscribe(topic = "placeholder", queue = "flaky")
    public Mono<Void> handle(Message message) {
      String body = new String(message.body(), UTF_8);
      attempts.add(body);
      seen.tryEmitNext(body);
      return body.startsWith("fail-always") || body.startsWith("fail-once") && count(body) == 1
          ? Mono.error(new IllegalStateException("failing on " + body))
          : Mono.empty();
    }

    long count(String body) {
      return attempts.stream().filter(body::equals).count();
    }
  }

  @AfterEach
  void cleanUp() throws Exception {
    broker.close().block(TIMEOUT);
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
      channel.queueDelete(RabbitMqBroker.queueName(TOPIC, "flaky"));
    }
  }

  @Test
  void aFailedMessageIsRedeliveredOnceThenDropped() {
    Flaky flaky = new Flaky();
    // The topic in the annotation is a constant; this subclass-free test subscribes through a wrapper.
    Subscribers subscribers = new Subscribers("flaky", new TopicOverride(broker, TOPIC), Codecs.defaults(),
        List.of(flaky));
    subscribers.start().block(TIMEOUT);
    for (String body : List.of("fail-once", "fail-always", "ok")) {
      broker.publish(TOPIC, Message.of(body.getBytes(UTF_8))).block(TIMEOUT);
    }
    // fail-once twice (then handled), fail-always twice (then dropped), ok once: five attempts.
    flaky.seen.asFlux().take(5).then().block(TIMEOUT);
    // A sixth attempt, which must not come, would arrive within this pause.
    Mono.delay(Duration.ofMillis(500)).block();
    subscribers.stop(TIMEOUT).block(TIMEOUT);
    assertThat(flaky.count("fail-once")).isEqualTo(2);
    assertThat(flaky.count("fail-always")).isEqualTo(2);
    assertThat(flaky.count("ok")).isEqualTo(1);
  }
}
