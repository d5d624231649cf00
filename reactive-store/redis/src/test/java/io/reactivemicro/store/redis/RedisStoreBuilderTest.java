package io.reactivemicro.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.reactivemicro.store.Record;
import io.reactivemicro.store.Store;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The builder's arguments, and stores sharing one Lettuce client with the Redis server on 127.0.0.1:6379. */
class RedisStoreBuilderTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void theAddressIsRequiredAndChecked() {
    assertThatThrownBy(() -> RedisStore.builder((String) null))
        .isInstanceOf(NullPointerException.class).hasMessage("address");
    assertThatThrownBy(() -> RedisStore.builder(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("the Redis address must not be blank");
    assertThatThrownBy(() -> RedisStore.builder("http://127.0.0.1:6379"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid Redis address");
    assertThatThrownBy(() -> RedisStore.builder((RedisClient) null))
        .isInstanceOf(NullPointerException.class).hasMessage("client");
  }

  @Test
  void twoStoresShareOneClientAndLeaveItOpenWhenTheyClose() {
    RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
    String database = "shared-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      Store first = RedisStore.builder(client).database(database).table("first").build();
      Store second = RedisStore.builder(client).database(database).table("second").build();

      first.write(Record.of("k", "one")).block(TIMEOUT);
      second.write(Record.of("k", "two")).block(TIMEOUT);
      StepVerifier.create(first.read("k").map(record -> new String(record.value())))
          .expectNext("one").expectComplete().verify(TIMEOUT);
      StepVerifier.create(second.read("k").map(record -> new String(record.value())))
          .expectNext("two").expectComplete().verify(TIMEOUT);

      Mono.when(first.close(), second.close()).block(TIMEOUT);

      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        assertThat(connection.sync().hget(database + ":first:k", "v")).isEqualTo("one");
        connection.sync().del(database + ":first:k", database + ":second:k");
      }
      Store third = RedisStore.builder(client).database(database).build();
      StepVerifier.create(third.write(Record.of("k", "three")).then(third.delete("k")))
          .expectComplete().verify(TIMEOUT);
      third.close().block(TIMEOUT);
    } finally {
      client.shutdown();
    }
  }
}
