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
import io.reactivemicro.test.broker.BrokerContract;
import java.util.List;
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
  void settingsChooseRabbitMq() {
    Broker broker = Broker.fromSettings(Settings.empty().with("broker", "rabbitmq"));
    assertThat(broker).isInstanceOf(RabbitMqBroker.class);
    broker.close().block(TIMEOUT);
  }
}
