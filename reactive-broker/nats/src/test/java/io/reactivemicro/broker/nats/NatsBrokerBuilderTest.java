package io.reactivemicro.broker.nats;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.Message;
import io.reactivemicro.broker.SubscribeOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** The builder's arguments, and brokers sharing one jnats connection with the NATS server on 127.0.0.1:4222. */
class NatsBrokerBuilderTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @Test
  void theAddressesAreRequiredAndChecked() {
    assertThatThrownBy(() -> NatsBroker.builder((List<String>) null))
        .isInstanceOf(NullPointerException.class).hasMessage("addresses");
    assertThatThrownBy(() -> NatsBroker.builder(List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("at least one NATS address is needed");
    assertThatThrownBy(() -> NatsBroker.builder(Arrays.asList("127.0.0.1:4222", null)))
        .isInstanceOf(NullPointerException.class).hasMessage("address");
    assertThatThrownBy(() -> NatsBroker.builder(List.of("")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("a NATS address must not be blank");
    assertThatThrownBy(() -> NatsBroker.builder((Connection) null))
        .isInstanceOf(NullPointerException.class).hasMessage("connection");
  }

  @Test
  void twoBrokersShareOneConnectionAndLeaveItOpenWhenTheyClose() throws Exception {
    Connection connection = Nats.connect("nats://127.0.0.1:4222");
    String topic = "shared-" + UUID.randomUUID();
    try {
      Broker subscriber = NatsBroker.builder(connection).build();
      Broker publisher = NatsBroker.builder(connection).build();
      Sinks.Empty<Void> channelActive = Sinks.empty();
      Sinks.Empty<Void> queueActive = Sinks.empty();

      StepVerifier.create(subscriber.subscribe(topic, SubscribeOptions.defaults()
                  .withOnActive(channelActive::tryEmitEmpty))
              .mergeWith(publisher.subscribe(topic, SubscribeOptions.defaults().withQueue("q")
                  .withOnActive(queueActive::tryEmitEmpty)))
              .map(message -> new String(message.body(), UTF_8)))
          .then(() -> Mono.when(channelActive.asMono(), queueActive.asMono())
              .then(publisher.publish(topic, Message.of("hello".getBytes(UTF_8))))
              .block(TIMEOUT))
          .expectNext("hello", "hello")
          .thenCancel()
          .verify(TIMEOUT);

      Mono.when(subscriber.close(), publisher.close()).block(TIMEOUT);

      assertThat(connection.getStatus()).isEqualTo(Connection.Status.CONNECTED);
      connection.publish(topic, new byte[0]);
      connection.flush(TIMEOUT);
    } finally {
      connection.close();
    }
  }
}
