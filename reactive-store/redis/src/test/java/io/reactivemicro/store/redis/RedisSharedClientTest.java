package io.reactivemicro.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.plugin.spi.SharedClients;
import io.reactivemicro.store.Record;
import io.reactivemicro.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Stores created from settings share one Lettuce client per server, against Redis on 127.0.0.1:6379. */
class RedisSharedClientTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String KEY = RedisClientSource.sharedKey(RedisClientSource.uri("127.0.0.1:6379"));

  private final String database = "shared-" + UUID.randomUUID().toString().substring(0, 8);

  private Store fromSettings(String table) {
    return Store.fromSettings(Settings.of(Map.of("MICRO_STORE", "redis", "MICRO_STORE_ADDRESS", "127.0.0.1:6379",
        "MICRO_STORE_DATABASE", database, "MICRO_STORE_TABLE", table)));
  }

  @Test
  void storesFromSettingsShareOneClientUntilTheLastCloses() {
    assertThat(SharedClients.references(KEY)).isZero();
    Store first = fromSettings("first");
    Store second = fromSettings("second");
    // Another plugin's hold on the same server's client; its closer is not used, the first acquirer's is.
    SharedClients.Lease<RedisClient> probe = SharedClients.acquire(KEY, RedisClient::create, client -> Mono.empty());
    try {
      assertThat(SharedClients.references(KEY)).isEqualTo(3);
      first.write(Record.of("k", "one")).block(TIMEOUT);
      second.write(Record.of("k", "two")).block(TIMEOUT);

      first.delete("k").then(first.close()).block(TIMEOUT);

      assertThat(SharedClients.references(KEY)).isEqualTo(2);
      StepVerifier.create(second.read("k").map(record -> new String(record.value())))
          .expectNext("two").expectComplete().verify(TIMEOUT);
      second.delete("k").then(second.close()).block(TIMEOUT);
      assertThat(SharedClients.references(KEY)).isEqualTo(1);
    } finally {
      Mono.when(first.close(), second.close()).block(TIMEOUT);
    }
    // The probe holds the last lease: the client must still be open for it.
    try (StatefulRedisConnection<String, String> connection =
        probe.client().connect(RedisClientSource.uri("127.0.0.1:6379"))) {
      assertThat(connection.sync().ping()).isEqualTo("PONG");
    }
    probe.release().block(TIMEOUT);
    assertThat(SharedClients.references(KEY)).isZero();
  }

  @Test
  void storesCreatedAndClosedConcurrentlyAllWorkAndReleaseTheClient() throws Exception {
    int threads = 6;
    int rounds = 15;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String table = "t" + t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < rounds; i++) {
            Store store = fromSettings(table);
            try {
              String value = "v" + i;
              StepVerifier.create(store.write(Record.of("k", value))
                      .thenMany(store.read("k"))
                      .map(record -> new String(record.value())))
                  .expectNext(value)
                  .expectComplete()
                  .verify(TIMEOUT);
              store.delete("k").block(TIMEOUT);
            } finally {
              store.close().block(TIMEOUT);
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
