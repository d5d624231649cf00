package io.reactivemicro.stream.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.stream.StartPosition;
import io.reactivemicro.stream.Stream;
import io.reactivemicro.test.ApplicationClient;
import io.reactivemicro.test.Refusal;
import io.reactivemicro.test.stream.StreamContract;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedisStreamTest extends StreamContract {

  private static final String REDIS = "127.0.0.1:6379";

  private static RedisClient admin;
  private static StatefulRedisConnection<String, String> adminConnection;

  private final String prefix = "contract-" + UUID.randomUUID().toString().substring(0, 8) + ":";
  private RedisStream stream;

  @BeforeAll
  static void connectAdmin() {
    admin = RedisClient.create("redis://" + REDIS);
    adminConnection = admin.connect();
  }

  @AfterAll
  static void closeAdmin() {
    adminConnection.close();
    admin.shutdown();
  }

  @BeforeEach
  void connect() {
    stream = RedisStream.builder(REDIS).keyPrefix(prefix).build();
  }

  @Override
  protected Stream stream() {
    return stream;
  }

  @Override
  protected Settings settingsChoosingThisBackend() {
    return Settings.empty().with("stream", "redis").with("stream_address", REDIS)
        .with("stream_redis_prefix", prefix);
  }

  @Override
  protected void assertChosen(Stream chosen) {
    assertThat(((RedisStream) chosen).key("t")).isEqualTo(prefix + "t");
  }

  @Override
  protected String sharedClientKey() {
    return "lettuce redis://" + REDIS;
  }

  @Override
  protected Stream unreachable() {
    return RedisStream.builder("127.0.0.1:1").keyPrefix(prefix).build();
  }

  /** A client of the application's, whose streams keep the test's one event under the test's key prefix. */
  @Override
  protected ApplicationClient<Stream> applicationClient() {
    RedisClient client = RedisClient.create("redis://" + REDIS);
    return ApplicationClient.of(() -> RedisStream.builder(client).keyPrefix(prefix).build(), () -> {
      List<String> keys = adminConnection.sync().keys(prefix + "*");
      assertThat(keys).hasSize(1);
      assertThat(adminConnection.sync().xlen(keys.get(0))).isEqualTo(1);
    }, client::shutdown);
  }

  @Override
  protected List<Refusal> builderRefusals() {
    return List.of(
        Refusal.of(() -> RedisStream.builder((String) null), NullPointerException.class, "address"),
        Refusal.of(() -> RedisStream.builder(" "), IllegalArgumentException.class,
            "the Redis address must not be blank"),
        Refusal.startingWith(() -> RedisStream.builder("http://127.0.0.1:6379"), IllegalArgumentException.class,
            "invalid Redis address"),
        Refusal.of(() -> RedisStream.builder((RedisClient) null), NullPointerException.class, "client"));
  }

  @Override
  protected void cleanUp(List<String> topics) {
    List<String> keys = new ArrayList<>();
    for (String topic : topics) {
      keys.add(prefix + topic);
    }
    for (int i = 0; i < keys.size(); i += 500) {
      adminConnection.reactive().del(keys.subList(i, Math.min(keys.size(), i + 500)).toArray(String[]::new))
          .block(TIMEOUT);
    }
    assertThat(adminConnection.reactive().keys(prefix + "*").collectList().block(TIMEOUT)).isEmpty();
  }

  @Test
  void sequencesMapToEntryIdsAndBack() {
    long sequence = RedisStream.sequence("1700000000000-5");
    assertThat(RedisStream.lastDeliveredBefore(StartPosition.sequence(sequence))).isEqualTo("1700000000000-4");
    assertThat(RedisStream.lastDeliveredBefore(StartPosition.sequence(RedisStream.sequence("1700000000000-0"))))
        .isEqualTo("1699999999999-18446744073709551615");
    assertThat(RedisStream.sequence("1700000000001-0")).isGreaterThan(sequence);
  }
}
