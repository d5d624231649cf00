package io.reactivemicro.stream.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.stream.StartPosition;
import io.reactivemicro.stream.Stream;
import io.reactivemicro.test.stream.StreamContract;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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

  @AfterEach
  void closeStream() {
    stream.close().block(TIMEOUT);
  }

  @Override
  protected Stream stream() {
    return stream;
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
  void settingsChooseRedis() {
    Stream chosen = Stream.fromSettings(Settings.empty().with("stream", "redis").with("stream_address", REDIS)
        .with("stream_redis_prefix", prefix));
    assertThat(chosen).isInstanceOf(RedisStream.class);
    assertThat(((RedisStream) chosen).key("t")).isEqualTo(prefix + "t");
    chosen.close().block(TIMEOUT);
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
