package io.reactivemicro.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.sync.Lock;
import io.reactivemicro.sync.Sync;
import io.reactivemicro.test.sync.SyncContract;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The Sync contract against the Redis server at 127.0.0.1:6379, under a random key prefix. */
class RedisSyncTest extends SyncContract {

  private static final String ADDRESS = System.getProperty("redis.address", "127.0.0.1:6379");

  private final String prefix = "test:sync:" + UUID.randomUUID() + ":";

  @Override
  protected Sync newClient() {
    return RedisSync.builder(ADDRESS).prefix(prefix).build();
  }

  @AfterEach
  void deleteTheTestsKeys() {
    RedisClient client = RedisClient.create("redis://" + ADDRESS);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      List<String> keys = connection.sync().keys(prefix + "*");
      if (!keys.isEmpty()) {
        connection.sync().del(keys.toArray(String[]::new));
      }
    } finally {
      client.shutdown();
    }
  }

  @Test
  void settingsChooseRedisWithItsAddressAndPrefix() {
    Settings settings = Settings.empty().with("sync", "redis").with("sync_address", ADDRESS)
        .with("sync_prefix", prefix);
    Sync sync = Sync.fromSettings(settings);
    try {
      assertThat(sync.name()).isEqualTo("redis");
      Lock lock = sync.lock(lockId("settings"), LONG_TTL, Duration.ZERO).block(TIMEOUT);
      StepVerifier.create(client().lock(lockId("settings"), LONG_TTL, Duration.ZERO))
          .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("409"))
          .verify(TIMEOUT);
      lock.unlock().block(TIMEOUT);
    } finally {
      sync.close().block(TIMEOUT);
    }
  }

  @Test
  void unreachableServerFailsTheOperationNotTheConstruction() {
    Sync sync = RedisSync.builder("127.0.0.1:1").prefix(prefix).build();
    try {
      StepVerifier.create(sync.lock(lockId("down"), LONG_TTL, Duration.ZERO))
          .expectError()
          .verify(TIMEOUT);
    } finally {
      sync.close().block(TIMEOUT);
    }
  }
}
