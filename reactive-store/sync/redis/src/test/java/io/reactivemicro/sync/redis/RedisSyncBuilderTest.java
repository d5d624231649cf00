package io.reactivemicro.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.reactivemicro.sync.Lock;
import io.reactivemicro.sync.Sync;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The builder's arguments, and syncs sharing one Lettuce client with the Redis server on 127.0.0.1:6379. */
class RedisSyncBuilderTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final Duration TTL = Duration.ofSeconds(30);

  @Test
  void theAddressIsRequiredAndChecked() {
    assertThatThrownBy(() -> RedisSync.builder((String) null))
        .isInstanceOf(NullPointerException.class).hasMessage("address");
    assertThatThrownBy(() -> RedisSync.builder(""))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("the Redis address must not be blank");
    assertThatThrownBy(() -> RedisSync.builder("http://127.0.0.1:6379"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid Redis address");
    assertThatThrownBy(() -> RedisSync.builder((RedisClient) null))
        .isInstanceOf(NullPointerException.class).hasMessage("client");
  }

  @Test
  void twoSyncsShareOneClientAndLeaveItOpenWhenTheyClose() {
    RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
    String prefix = "test:shared:" + UUID.randomUUID() + ":";
    try {
      Sync first = RedisSync.builder(client).prefix(prefix).build();
      Sync second = RedisSync.builder(client).prefix(prefix).build();

      Lock lock = first.lock("l", TTL, Duration.ZERO).block(TIMEOUT);
      StepVerifier.create(second.lock("l", TTL, Duration.ZERO))
          .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("409"))
          .verify(TIMEOUT);
      lock.unlock().block(TIMEOUT);
      StepVerifier.create(second.lock("l", TTL, Duration.ZERO).flatMap(Lock::unlock))
          .expectComplete()
          .verify(TIMEOUT);

      Mono.when(first.close(), second.close()).block(TIMEOUT);

      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        assertThat(connection.sync().ping()).isEqualTo("PONG");
        connection.sync().del(prefix + "{l}", prefix + "{l}:fence");
      }
    } finally {
      client.shutdown();
    }
  }
}
