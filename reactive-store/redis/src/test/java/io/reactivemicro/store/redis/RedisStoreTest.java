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
import io.reactivemicro.plugin.spi.SharedClients;
import io.reactivemicro.store.Namespace;
import io.reactivemicro.store.Record;
import io.reactivemicro.store.Store;
import io.reactivemicro.store.WriteOptions;
import io.reactivemicro.test.ApplicationClient;
import io.reactivemicro.test.Refusal;
import io.reactivemicro.test.store.StoreContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
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

  @Override
  protected Settings settingsChoosingThisBackend() {
    return Settings.of(Map.of("MICRO_STORE", "redis", "MICRO_STORE_ADDRESS", ADDRESS,
        "MICRO_STORE_DATABASE", database));
  }

  @Override
  protected void assertChosen(Store chosen) {
    assertThat(admin.sync().exists(database + ":" + Store.DEFAULT_TABLE + ":from-settings")).isEqualTo(1);
  }

  @Override
  protected String sharedClientKey() {
    return "lettuce redis://" + ADDRESS;
  }

  @Override
  protected Store unreachable() {
    return RedisStore.builder("redis://127.0.0.1:1").build();
  }

  /** A client of the application's; the first store's record is kept as a hash under its namespaced key. */
  @Override
  protected ApplicationClient<Store> applicationClient() {
    RedisClient own = RedisClient.create("redis://" + ADDRESS);
    return ApplicationClient.of(() -> RedisStore.builder(own).build(), () -> {
      try (StatefulRedisConnection<String, String> connection = own.connect()) {
        assertThat(connection.sync().hget(database + ":" + TABLE + ":k", "v")).isEqualTo("one");
      }
    }, own::shutdown);
  }

  @Override
  protected List<Refusal> builderRefusals() {
    return List.of(
        Refusal.of(() -> RedisStore.builder((String) null), NullPointerException.class, "address"),
        Refusal.of(() -> RedisStore.builder(" "), IllegalArgumentException.class,
            "the Redis address must not be blank"),
        Refusal.startingWith(() -> RedisStore.builder("http://127.0.0.1:6379"), IllegalArgumentException.class,
            "invalid Redis address"),
        Refusal.of(() -> RedisStore.builder((RedisClient) null), NullPointerException.class, "client"));
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
  void globCharactersAreEscaped() {
    assertThat(RedisStore.glob("a*b?c[d]e\\f^g-h")).isEqualTo("a\\*b\\?c\\[d\\]e\\\\f^g-h");
  }

  @Test
  void settingsTakeThePortOfTheirAddress() {
    // The store connects on its first operation only: this one makes none.
    Store store = Store.fromSettings(Settings.of(Map.of("MICRO_STORE", "redis",
        "MICRO_STORE_ADDRESS", "10.0.0.1:6380")));
    try {
      assertThat(SharedClients.references("lettuce redis://10.0.0.1:6380")).isEqualTo(1);
    } finally {
      store.close().block(TIMEOUT);
    }
  }

  @Test
  void aClientAnotherPluginStillHoldsStaysOpenAfterTheStoresClose() {
    String key = sharedClientKey();
    assertThat(SharedClients.references(key)).isZero();
    Store first = Store.fromSettings(settingsChoosingThisBackend()).scoped(database, TABLE);
    Store second = Store.fromSettings(settingsChoosingThisBackend()).scoped(database, "u");
    // Another plugin's hold on the same server's client; its closer is not used, the first acquirer's is.
    SharedClients.Lease<RedisClient> probe = SharedClients.acquire(key, RedisClient::create, client -> Mono.empty());
    try {
      assertThat(SharedClients.references(key)).isEqualTo(3);
      first.write(Record.of("k", "one")).block(TIMEOUT);
      second.write(Record.of("k", "two")).block(TIMEOUT);

      first.delete("k").then(first.close()).block(TIMEOUT);

      assertThat(SharedClients.references(key)).isEqualTo(2);
      StepVerifier.create(second.read("k").map(record -> new String(record.value())))
          .expectNext("two").expectComplete().verify(TIMEOUT);
      second.delete("k").then(second.close()).block(TIMEOUT);
      assertThat(SharedClients.references(key)).isEqualTo(1);
    } finally {
      Mono.when(first.close(), second.close()).block(TIMEOUT);
    }
    // The probe holds the last lease: the client must still be open for it.
    try (StatefulRedisConnection<String, String> connection = probe.client().connect(URI)) {
      assertThat(connection.sync().ping()).isEqualTo("PONG");
    }
    probe.release().block(TIMEOUT);
    assertThat(SharedClients.references(key)).isZero();
  }
}
