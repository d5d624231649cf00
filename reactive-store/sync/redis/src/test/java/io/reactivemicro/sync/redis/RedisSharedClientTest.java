package io.reactivemicro.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.plugin.spi.SharedClients;
import io.reactivemicro.sync.Lock;
import io.reactivemicro.sync.Sync;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Syncs created from settings share one Lettuce client per server, against Redis on 127.0.0.1:6379. */
class RedisSharedClientTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final String KEY = RedisClientSource.sharedKey(RedisClientSource.uri("127.0.0.1:6379"));

  @Test
  void syncsFromSettingsShareOneClientUntilTheLastCloses() {
    Settings settings = Settings.empty().with("sync", "redis").with("sync_address", "127.0.0.1:6379")
        .with("sync_prefix", "test:shared:" + UUID.randomUUID() + ":");
    Sync first = Sync.fromSettings(settings);
    Sync second = Sync.fromSettings(settings);
    try {
      assertThat(SharedClients.references(KEY)).isEqualTo(2);
      Lock lock = first.lock("l", TTL, Duration.ZERO).block(TIMEOUT);
      StepVerifier.create(second.lock("l", TTL, Duration.ZERO))
          .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("409"))
          .verify(TIMEOUT);
      lock.unlock().then(first.close()).block(TIMEOUT);
      assertThat(SharedClients.references(KEY)).isEqualTo(1);

      StepVerifier.create(second.lock("l", TTL, Duration.ZERO).flatMap(Lock::unlock))
          .expectComplete()
          .verify(TIMEOUT);
    } finally {
      first.close().then(second.close()).block(TIMEOUT);
    }
    assertThat(SharedClients.references(KEY)).isZero();
  }
}
