package io.reactivemicro.sync.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.sync.Sync;
import io.reactivemicro.test.ApplicationClient;
import io.reactivemicro.test.Refusal;
import io.reactivemicro.test.sync.SyncContract;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/** The Sync contract against the Redis server at 127.0.0.1:6379, under a random key prefix. */
class RedisSyncTest extends SyncContract {

  private static final String ADDRESS = System.getProperty("redis.address", "127.0.0.1:6379");

  private final String prefix = "test:sync:" + UUID.randomUUID() + ":";

  @Override
  protected Sync newClient() {
    return RedisSync.builder(ADDRESS).prefix(prefix).build();
  }

  @Override
  protected Settings settingsChoosingThisBackend() {
    return Settings.empty().with("sync", "redis").with("sync_address", ADDRESS).with("sync_prefix", prefix);
  }

  @Override
  protected String sharedClientKey() {
    return "lettuce redis://" + ADDRESS;
  }

  @Override
  protected Sync unreachable() {
    return RedisSync.builder("127.0.0.1:1").prefix(prefix).build();
  }

  @Override
  protected ApplicationClient<Sync> applicationClient() {
    RedisClient client = RedisClient.create("redis://" + ADDRESS);
    return ApplicationClient.of(() -> RedisSync.builder(client).prefix(prefix).build(), client::shutdown);
  }

  @Override
  protected List<Refusal> builderRefusals() {
    return List.of(
        Refusal.of(() -> RedisSync.builder((String) null), NullPointerException.class, "address"),
        Refusal.of(() -> RedisSync.builder(""), IllegalArgumentException.class,
            "the Redis address must not be blank"),
        Refusal.startingWith(() -> RedisSync.builder("http://127.0.0.1:6379"), IllegalArgumentException.class,
            "invalid Redis address"),
        Refusal.of(() -> RedisSync.builder((RedisClient) null), NullPointerException.class, "client"));
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
}
