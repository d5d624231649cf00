package io.reactivemicro.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanStream;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.store.Namespace;
import io.reactivemicro.store.Record;
import io.reactivemicro.store.Store;
import io.reactivemicro.store.WriteOptions;
import io.reactivemicro.test.store.StoreContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.test.StepVerifier;

/** Runs the store contract against Redis on 127.0.0.1:6379; every test's keys start with its own database. */
class RedisStoreTest extends StoreContract {

  static final String ADDRESS = "127.0.0.1:6379";
  static final RedisURI URI = RedisURI.create("redis://" + ADDRESS);

  static {
    // The JDK reads net.properties from a file the first time a socket class initialises; the client does
    // that on a Reactor thread, where BlockHound would report the one-time read. Initialise it here.
    try (Socket warmUp = new Socket()) {
      warmUp.getClass();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static RedisClient client;
  private static StatefulRedisConnection<String, String> admin;

  @BeforeAll
  static void connect() {
    client = RedisClient.create(URI);
    admin = client.connect();
  }

  @AfterAll
  static void disconnect() {
    admin.close();
    client.shutdown();
  }

  @Override
  protected Store createStore(Scheduler clock) {
    return RedisStore.builder(ADDRESS).clock(clock).build();
  }

  /** Deletes every key of the namespace, expired ones too (they may outlive the test on the server). */
  @Override
  protected Mono<Void> cleanUp(Store backend, Namespace namespace) {
    RedisReactiveCommands<String, String> redis = admin.reactive();
    return ScanStream.scan(redis, ScanArgs.Builder.matches(
            RedisStore.glob(namespace.database() + ":" + namespace.table() + ":") + "*").limit(500))
        .buffer(500)
        .concatMap(keys -> redis.unlink(keys.toArray(String[]::new)))
        .then();
  }

  @Override
  protected boolean keepsKeyOrder() {
    return false;
  }

  @Test
  void recordsAreHashesUnderNamespacedKeysWithARedisTtl() {
    store().write(Record.of("k:1", "v"), WriteOptions.defaults().withTtl(Duration.ofMinutes(10))).block(TIMEOUT);
    store().write(Record.of("forever", "v")).block(TIMEOUT);

    String key = database + ":" + TABLE + ":k:1";
    assertThat(admin.sync().hgetall(key)).containsEntry("v", "v").containsEntry("n", "1").containsKey("e");
    assertThat(admin.sync().pttl(key)).isBetween(1L, Duration.ofMinutes(10).toMillis());
    assertThat(admin.sync().pttl(database + ":" + TABLE + ":forever")).isEqualTo(-1);
  }

  @Test
  void redisRemovesExpiredRecordsInRealTime() {
    Store realTime = RedisStore.builder(ADDRESS).build().scoped(database, TABLE);
    try {
      realTime.write(Record.of("short", "v"), WriteOptions.defaults().withTtl(Duration.ofMillis(300))).block(TIMEOUT);
      String key = database + ":" + TABLE + ":short";

      // Polled until gone; a poll slower than the interval skips ticks rather than failing the test.
      StepVerifier.create(Flux.interval(Duration.ofMillis(100))
              .onBackpressureDrop()
              .concatMap(tick -> admin.reactive().exists(key))
              .filter(count -> count == 0)
              .next())
          .expectNext(0L)
          .expectComplete()
          .verify(TIMEOUT);
      StepVerifier.create(realTime.read("short"))
          .expectErrorSatisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(404))
          .verify(TIMEOUT);
    } finally {
      realTime.close().block(TIMEOUT);
    }
  }

  @Test
  void anUnreachableServerFailsTheFirstOperationNotTheConstructor() {
    Store store = RedisStore.builder("redis://127.0.0.1:1").build();
    try {
      StepVerifier.create(store.read("k"))
          .expectErrorSatisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(503))
          .verify(TIMEOUT);
    } finally {
      store.close().block(TIMEOUT);
    }
  }

  @Test
  void globCharactersAreEscaped() {
    assertThat(RedisStore.glob("a*b?c[d]e\\f^g-h")).isEqualTo("a\\*b\\?c\\[d\\]e\\\\f^g-h");
  }

  @Test
  void settingsChooseTheRedisStore() {
    Store store = Store.fromSettings(Settings.of(Map.of("MICRO_STORE", "redis",
        "MICRO_STORE_ADDRESS", "127.0.0.1:6379", "MICRO_STORE_DATABASE", database)));
    try {
      store.write(Record.of("from-settings", "v")).block(TIMEOUT);

      assertThat(store.name()).isEqualTo("redis");
      assertThat(admin.sync().exists(database + ":" + Store.DEFAULT_TABLE + ":from-settings")).isEqualTo(1);
    } finally {
      admin.sync().del(database + ":" + Store.DEFAULT_TABLE + ":from-settings");
      store.close().block(TIMEOUT);
    }
    assertThat(RedisClientSource.uri("10.0.0.1:6380").getPort()).isEqualTo(6380);
  }
}
