package io.reactivemicro.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.reactivemicro.plugin.Settings;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/** Runs the store contract against PostgreSQL on 127.0.0.1:5432 (user postgres, database test, trust). */
class PostgresStoreTest extends StoreContract {

  static final String URL = "r2dbc:postgresql://postgres@127.0.0.1:5432/test";
  static final String SQL_TABLE = "store_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  static {
    // The JDK reads net.properties from a file the first time a socket class initialises; the driver does
    // that on a Reactor thread, where BlockHound would report the one-time read. Initialise it here.
    try (Socket warmUp = new Socket()) {
      warmUp.getClass();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected Store createStore(Scheduler clock) {
    return PostgresStore.builder(URL).sqlTable(SQL_TABLE).clock(clock).maxConnections(4).build();
  }

  @Override
  protected Mono<Void> cleanUp(Store backend, Namespace namespace) {
    return Mono.empty(); // the class drops its table after the last test
  }

  /** Settings as Go Micro's take them; the store they make keeps its rows in the default SQL table. */
  @Override
  protected Settings settingsChoosingThisBackend() {
    return Settings.of(Map.of("MICRO_STORE", "postgres",
        "MICRO_STORE_ADDRESS", "postgresql://postgres@127.0.0.1:5432/test?sslmode=disable",
        "MICRO_STORE_DATABASE", database));
  }

  @Override
  protected void assertChosen(Store chosen) {
    assertThat(((PostgresStore) chosen).sqlTable()).isEqualTo(PostgresStore.DEFAULT_SQL_TABLE);
  }

  @Override
  protected Store unreachable() {
    return PostgresStore.builder("r2dbc:postgresql://postgres@127.0.0.1:1/test").sqlTable(SQL_TABLE).build();
  }

  /** A connection pool of the application's; the test's two records are the rows of its database. */
  @Override
  protected ApplicationClient<Store> applicationClient() {
    ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(ConnectionFactories.get(URL))
        .initialSize(0).maxSize(2).build());
    return ApplicationClient.of(() -> PostgresStore.builder(pool).sqlTable(SQL_TABLE).build(), () -> {
      assertThat(pool.isDisposed()).isFalse();
      assertThat(Flux.usingWhen(pool.create(),
              connection -> Flux.from(connection.createStatement("SELECT count(*) FROM " + SQL_TABLE + " WHERE db = $1")
                  .bind(0, database).execute()).concatMap(result -> result.map(row -> row.get(0, Long.class))),
              Connection::close)
          .blockLast(TIMEOUT)).isEqualTo(2L);
    }, () -> pool.disposeLater().block(TIMEOUT));
  }

  @Override
  protected List<Refusal> builderRefusals() {
    return List.of(
        Refusal.of(() -> PostgresStore.builder((String) null), NullPointerException.class, "address"),
        Refusal.of(() -> PostgresStore.builder(" "), IllegalArgumentException.class,
            "the PostgreSQL address must not be blank"),
        Refusal.startingWith(() -> PostgresStore.builder("r2dbc:"), IllegalArgumentException.class,
            "invalid PostgreSQL address"),
        Refusal.of(() -> PostgresStore.builder((ConnectionFactory) null), NullPointerException.class,
            "connectionFactory"));
  }

  @AfterAll
  static void dropTable() {
    ConnectionFactory factory = ConnectionFactories.get(URL);
    Flux.usingWhen(factory.create(),
            connection -> Flux.from(connection.createStatement("DROP TABLE IF EXISTS " + SQL_TABLE).execute())
                .concatMap(result -> result.getRowsUpdated()),
            Connection::close)
        .then()
        .block(TIMEOUT);
  }

  @Test
  void purgeDeletesExpiredRows() {
    PostgresStore store = (PostgresStore) backend();
    store.write(Record.of("short", "x"), WriteOptions.defaults().withTtl(Duration.ofSeconds(1)).withNamespace(database, TABLE))
        .block(TIMEOUT);
    passTime(Duration.ofSeconds(2));

    assertThat(store.purgeExpired().block(TIMEOUT)).isGreaterThanOrEqualTo(1);
  }

  @Test
  void settingsAddressesBecomeR2dbcUrls() {
    assertThat(PostgresStore.url("127.0.0.1:26257")).isEqualTo("r2dbc:postgresql://postgres@127.0.0.1:26257/postgres");
    assertThat(PostgresStore.url("r2dbc:postgresql://u@h/d")).isEqualTo("r2dbc:postgresql://u@h/d");
  }

  @Test
  void prefixRangeEndsAtTheSuccessorOfThePrefix() {
    assertThat(PostgresStore.successor("ab".getBytes(StandardCharsets.UTF_8))).containsExactly('a', 'c');
    assertThat(PostgresStore.successor(new byte[] {'a', (byte) 0xff})).containsExactly('b');
    assertThat(PostgresStore.successor(new byte[] {(byte) 0xff})).isNull();
  }
}
