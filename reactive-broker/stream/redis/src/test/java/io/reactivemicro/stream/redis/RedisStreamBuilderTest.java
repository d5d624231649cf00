package io.reactivemicro.stream.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.reactivemicro.stream.ConsumeOptions;
import io.reactivemicro.stream.StartPosition;
import io.reactivemicro.stream.Stream;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The builder's arguments, and streams sharing one Lettuce client with the Redis server on 127.0.0.1:6379. */
class RedisStreamBuilderTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void theAddressIsRequiredAndChecked() {
    assertThatThrownBy(() -> RedisStream.builder((String) null))
        .isInstanceOf(NullPointerException.class).hasMessage("address");
    assertThatThrownBy(() -> RedisStream.builder(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("the Redis address must not be blank");
    assertThatThrownBy(() -> RedisStream.builder("http://127.0.0.1:6379"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid Redis address");
    assertThatThrownBy(() -> RedisStream.builder((RedisClient) null))
        .isInstanceOf(NullPointerException.class).hasMessage("client");
  }

  @Test
  void twoStreamsShareOneClientAndLeaveItOpenWhenTheyClose() {
    RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
    String prefix = "shared-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    try {
      Stream producer = RedisStream.builder(client).keyPrefix(prefix).build();
      Stream consumer = RedisStream.builder(client).keyPrefix(prefix).build();

      producer.publish("orders", "first".getBytes(UTF_8)).block(TIMEOUT);
      StepVerifier.create(consumer.consume("orders", ConsumeOptions.defaults().withStart(StartPosition.beginning()))
              .map(event -> new String(event.payload(), UTF_8)))
          .expectNext("first")
          .thenCancel()
          .verify(TIMEOUT);

      Mono.when(producer.close(), consumer.close()).block(TIMEOUT);

      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        assertThat(connection.sync().xlen(prefix + "orders")).isEqualTo(1);
        connection.sync().del(prefix + "orders");
      }
    } finally {
      client.shutdown();
    }
  }
}
