package io.reactivemicro.sync.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.plugin.spi.SharedClients;
import io.reactivemicro.sync.Lock;
import io.reactivemicro.sync.Sync;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Syncs created from settings share one jetcd client per endpoint list, against etcd on 127.0.0.1:2379. */
class EtcdSharedClientTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final String KEY =
      EtcdClientSource.sharedKey(EtcdClientSource.endpoints(List.of(EtcdSync.DEFAULT_ADDRESS)));

  private final Settings settings = Settings.empty().with("sync", "etcd")
      .with("sync_prefix", "/micro-test/" + UUID.randomUUID() + "/");

  @Test
  void syncsFromSettingsShareOneClientUntilTheLastCloses() {
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

  @Test
  void syncsCreatedAndClosedConcurrentlyAllWorkAndReleaseTheClient() throws Exception {
    int threads = 6;
    int rounds = 10;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String id = "l" + t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < rounds; i++) {
            Sync sync = Sync.fromSettings(settings);
            try {
              StepVerifier.create(sync.lock(id, TTL, Duration.ZERO).flatMap(Lock::unlock))
                  .expectComplete()
                  .verify(TIMEOUT);
            } finally {
              sync.close().block(TIMEOUT);
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(SharedClients.references(KEY)).isZero();
  }
}
