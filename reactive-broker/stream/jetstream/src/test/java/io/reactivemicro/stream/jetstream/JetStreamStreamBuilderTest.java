package io.reactivemicro.stream.jetstream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.reactivemicro.stream.ConsumeOptions;
import io.reactivemicro.stream.StartPosition;
import io.reactivemicro.stream.Stream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The builder's arguments, and streams sharing one jnats connection with the NATS server on 127.0.0.1:4222. */
class JetStreamStreamBuilderTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void theAddressesAreRequiredAndChecked() {
    assertThatThrownBy(() -> JetStreamStream.builder((List<String>) null))
        .isInstanceOf(NullPointerException.class).hasMessage("addresses");
    assertThatThrownBy(() -> JetStreamStream.builder(List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("at least one NATS address is needed");
    assertThatThrownBy(() -> JetStreamStream.builder(Arrays.asList("127.0.0.1:4222", null)))
        .isInstanceOf(NullPointerException.class).hasMessage("address");
    assertThatThrownBy(() -> JetStreamStream.builder(List.of(" ")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("a NATS address must not be blank");
    assertThatThrownBy(() -> JetStreamStream.builder((Connection) null))
        .isInstanceOf(NullPointerException.class).hasMessage("connection");
  }

  @Test
  void twoStreamsShareOneConnectionAndLeaveItOpenWhenTheyClose() throws Exception {
    Connection connection = Nats.connect("nats://127.0.0.1:4222");
    String streamName = "shared-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      Stream producer = JetStreamStream.builder(connection).streamName(streamName).build();
      Stream consumer = JetStreamStream.builder(connection).streamName(streamName).build();

      producer.publish("orders", "first".getBytes(UTF_8)).block(TIMEOUT);
      StepVerifier.create(consumer.consume("orders", ConsumeOptions.defaults().withStart(StartPosition.beginning()))
              .map(event -> new String(event.payload(), UTF_8)))
          .expectNext("first")
          .thenCancel()
          .verify(TIMEOUT);

      Mono.when(producer.close(), consumer.close()).block(TIMEOUT);

      assertThat(connection.getStatus()).isEqualTo(Connection.Status.CONNECTED);
      assertThat(connection.jetStreamManagement().getStreamInfo(streamName).getStreamState().getMsgCount())
          .isEqualTo(1);
    } finally {
      try {
        connection.jetStreamManagement().deleteStream(streamName);
      } finally {
        connection.close();
      }
    }
  }
}
