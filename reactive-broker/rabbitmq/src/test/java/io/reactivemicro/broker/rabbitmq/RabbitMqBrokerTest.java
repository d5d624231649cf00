package io.reactivemicro.broker.rabbitmq;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.Delivery;
import io.reactivemicro.broker.Message;
import io.reactivemicro.broker.SubscribeOptions;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.test.Refusal;
import io.reactivemicro.test.broker.BrokerContract;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** Runs the broker contract against the RabbitMQ server on 127.0.0.1:5672 (guest/guest). */
class RabbitMqBrokerTest extends BrokerContract {

  @Override
  protected Broker createBroker() {
    return RabbitMqBroker.builder(List.of("127.0.0.1:5672")).build();
  }

  @Override
  protected boolean honoursDemand() {
    return true;
  }

  @Override
  protected Settings settingsChoosingThisBackend() {
    return Settings.empty().with("broker", "rabbitmq");
  }

  @Override
  protected Broker unreachable() {
    return RabbitMqBroker.builder(List.of("127.0.0.1:1")).build();
  }

  @Override
  protected List<Refusal> builderRefusals() {
    return List.of(
        Refusal.of(() -> RabbitMqBroker.builder(null), NullPointerException.class, "addresses"),
        Refusal.of(() -> RabbitMqBroker.builder(List.of()), IllegalArgumentException.class,
            "at least one RabbitMQ address is needed"),
        Refusal.of(() -> RabbitMqBroker.builder(Arrays.asList("127.0.0.1:5672", null)), NullPointerException.class,
            "address"),
        Refusal.startingWith(() -> RabbitMqBroker.builder(List.of(" ")), IllegalArgumentException.class,
            "a RabbitMQ address must not be blank"),
        Refusal.startingWith(() -> RabbitMqBroker.builder(List.of("127.0.0.1:notaport")),
            IllegalArgumentException.class, "invalid RabbitMQ address"),
        Refusal.startingWith(() -> RabbitMqBroker.builder(List.of("amqp://bad host:5672")),
            IllegalArgumentException.class, "invalid RabbitMQ URI"),
        Refusal.of(() -> RabbitMqBroker.builder(List.of("127.0.0.1:5672")).exchange(" "),
            IllegalArgumentException.class, "the exchange name must not be blank"));
  }

  private static <T> T withChannel(ChannelCall<T> call) {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
      return call.apply(channel);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @FunctionalInterface
  private interface ChannelCall<T> {
    T apply(Channel channel) throws Exception;
  }

  @Override
  protected void assertReleased(String topic) {
    // The queue groups of the contract's cancel test are the only named queues of that topic.
    for (String queue : usedQueues) {
      long consumers = withChannel(ch -> {
        try {
          return (long) ch.consumerCount(RabbitMqBroker.queueName(topic, queue));
        } catch (java.io.IOException notDeclared) {
          return 0L;
        }
      });
      assertThat(consumers).as("consumers of %s", queue).isZero();
    }
  }

  private final List<String> usedQueues = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  protected String queue() {
    String queue = super.queue();
    usedQueues.add(queue);
    return queue;
  }

  @Override
  protected void cleanUp(List<String> topics, List<String> queues) {
    for (String topic : topics) {
      for (String queue : queues) {
        withChannel(ch -> ch.queueDelete(RabbitMqBroker.queueName(topic, queue)));
      }
    }
  }

  @Test
  void aRejectedMessageIsDeliveredAgainMarkedRedelivered() {
    String topic = topic();
    String queue = queue();
    Sinks.Empty<Void> active = Sinks.empty();
    StepVerifier.create(subscriber.deliveries(topic, SubscribeOptions.defaults().withQueue(queue)
            .withOnActive(active::tryEmitEmpty)))
        .then(() -> active.asMono().block(TIMEOUT))
        .then(() -> publisher.publish(topic, Message.of("once".getBytes(UTF_8))).block(TIMEOUT))
        .assertNext(d -> {
          assertThat(d.redelivered()).isFalse();
          d.nack(true).block(TIMEOUT);
        })
        .assertNext(d -> {
          assertThat(d.redelivered()).isTrue();
          assertThat(new String(d.message().body(), UTF_8)).isEqualTo("once");
          d.ack().block(TIMEOUT);
        })
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void unacknowledgedMessagesGoToAnotherMemberWhenASubscriptionEnds() {
    String topic = topic();
    String queue = queue();
    Sinks.Empty<Void> active = Sinks.empty();
    StepVerifier.create(subscriber.deliveries(topic, SubscribeOptions.defaults().withQueue(queue)
            .withOnActive(active::tryEmitEmpty)).map(Delivery::message))
        .then(() -> active.asMono().block(TIMEOUT))
        .then(() -> publisher.publish(topic, Message.of("kept".getBytes(UTF_8))).block(TIMEOUT))
        .expectNextCount(1)
        .thenCancel()
        .verify(TIMEOUT);
    StepVerifier.create(subscriber.subscribe(topic, SubscribeOptions.defaults().withQueue(queue)))
        .assertNext(m -> assertThat(new String(m.body(), UTF_8)).isEqualTo("kept"))
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void theBrokerConnectsWithACopyOfTheFactoryOnItsExchange() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUsername("guest");
    factory.setPassword("guest");
    factory.setAutomaticRecoveryEnabled(true);
    String exchange = "micro-test-" + UUID.randomUUID();
    Broker broker = RabbitMqBroker.builder(List.of("127.0.0.1:5672")).connectionFactory(factory)
        .exchange(exchange).build();
    factory.setPassword("changed after the builder took a copy");
    try {
      Sinks.Empty<Void> active = Sinks.empty();
      StepVerifier.create(broker.subscribe("orders", SubscribeOptions.defaults().withOnActive(active::tryEmitEmpty))
              .map(message -> new String(message.body(), UTF_8)))
          .then(() -> active.asMono().then(broker.publish("orders", Message.of("hello".getBytes(UTF_8))))
              .block(TIMEOUT))
          .expectNext("hello")
          .thenCancel()
          .verify(TIMEOUT);
      assertThat(factory.isAutomaticRecoveryEnabled()).isTrue();
    } finally {
      broker.close().block(TIMEOUT);
      try (Connection admin = new ConnectionFactory().newConnection(); Channel channel = admin.createChannel()) {
        channel.exchangeDelete(exchange);
      }
    }
  }
}
