package io.reactivemicro.stream.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.plugin.spi.SharedClients;
import io.reactivemicro.stream.ConsumeOptions;
import io.reactivemicro.stream.StartPosition;
import io.reactivemicro.stream.Stream;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Streams created from settings share one Lettuce client per server, against Redis on 127.0.0.1:6379. */
class RedisSharedClientTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String KEY = RedisClientSource.sharedKey(RedisClientSource.uri("127.0.0.1:6379"));

  @Test
  void streamsFromSettingsShareOneClientUntilTheLastCloses() {
    String prefix = "shared-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    Settings settings = Settings.empty().with("stream", "redis").with("stream_address", "127.0.0.1:6379")
        .with("stream_redis_prefix", prefix);
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
    RedisClient admin = RedisClient.create("redis://127.0.0.1:6379");
    try (StatefulRedisConnection<String, String> connection = admin.connect()) {
      connection.sync().del(prefix + "orders");
    } finally {
      admin.shutdown();
    }
  }
}
