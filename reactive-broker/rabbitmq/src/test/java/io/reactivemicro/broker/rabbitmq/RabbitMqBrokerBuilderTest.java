package io.reactivemicro.broker.rabbitmq;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.Message;
import io.reactivemicro.broker.SubscribeOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** The builder's arguments and settings, against RabbitMQ on 127.0.0.1:5672. */
class RabbitMqBrokerBuilderTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @Test
  void theAddressesAreRequiredAndChecked() {
    assertThatThrownBy(() -> RabbitMqBroker.builder(null))
        .isInstanceOf(NullPointerException.class).hasMessage("addresses");
    assertThatThrownBy(() -> RabbitMqBroker.builder(List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("at least one RabbitMQ address is needed");
    assertThatThrownBy(() -> RabbitMqBroker.builder(Arrays.asList("127.0.0.1:5672", null)))
        .isInstanceOf(NullPointerException.class).hasMessage("address");
    assertThatThrownBy(() -> RabbitMqBroker.builder(List.of(" ")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("a RabbitMQ address must not be blank");
    assertThatThrownBy(() -> RabbitMqBroker.builder(List.of("127.0.0.1:notaport")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid RabbitMQ address");
    assertThatThrownBy(() -> RabbitMqBroker.builder(List.of("amqp://bad host:5672")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid RabbitMQ URI");
    assertThatThrownBy(() -> RabbitMqBroker.builder(List.of("127.0.0.1:5672")).exchange(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("the exchange name must not be blank");
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
