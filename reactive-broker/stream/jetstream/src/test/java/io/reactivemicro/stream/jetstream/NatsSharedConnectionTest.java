package io.reactivemicro.stream.jetstream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.plugin.spi.SharedClients;
import io.reactivemicro.stream.ConsumeOptions;
import io.reactivemicro.stream.StartPosition;
import io.reactivemicro.stream.Stream;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Streams created from settings share one jnats connection per server list, against NATS on 127.0.0.1:4222. */
class NatsSharedConnectionTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String KEY =
      NatsConnectionSource.sharedKey(NatsConnectionSource.servers(List.of("127.0.0.1:4222")));

  @Test
  void streamsFromSettingsShareOneConnectionUntilTheLastCloses() throws Exception {
    String streamName = "shared-" + UUID.randomUUID().toString().substring(0, 8);
    Settings settings = Settings.empty().with("stream", "jetstream").with("stream_address", "127.0.0.1:4222")
        .with("stream_jetstream_name", streamName);
    Stream producer = Stream.fromSettings(settings);
    Stream consumer = Stream.fromSettings(settings);
    try {
      assertThat(SharedClients.references(KEY)).isEqualTo(2);
      producer.publish("orders", "first".getBytes(UTF_8)).block(TIMEOUT);
      producer.close().block(TIMEOUT);
      assertThat(SharedClients.references(KEY)).isEqualTo(1);

      StepVerifier.create(consumer.consume("orders", ConsumeOptions.defaults().withStart(StartPosition.beginning()))
              .map(event -> new String(event.payload(), UTF_8)))
          .expectNext("first")
          .thenCancel()
          .verify(TIMEOUT);
    } finally {
      producer.close().then(consumer.close()).block(TIMEOUT);
    }
    assertThat(SharedClients.references(KEY)).isZero();
    Connection admin = Nats.connect("nats://127.0.0.1:4222");
    try {
      admin.jetStreamManagement().deleteStream(streamName);
    } finally {
      admin.close();
    }
  }
}
