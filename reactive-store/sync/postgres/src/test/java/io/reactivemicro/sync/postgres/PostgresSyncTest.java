package io.reactivemicro.sync.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.sync.Lock;
import io.reactivemicro.sync.Sync;
import io.reactivemicro.test.ApplicationClient;
import io.reactivemicro.test.Refusal;
import io.reactivemicro.test.sync.SyncContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The Sync contract against the PostgreSQL server at 127.0.0.1:5432, database {@code test}. */
class PostgresSyncTest extends SyncContract {

  private static final String ADDRESS = System.getProperty("postgres.address", "127.0.0.1:5432");
  private static final String DATABASE = "test";
  private static final String TABLE = "sync_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  static {
    // The JDK reads its net.properties file when the first socket of the JVM is made. R2DBC makes its first
    // socket on a Reactor thread, where BlockHound flags that one-time read; an application has made one by
    // then, so the test makes it here.
    try {
      new Socket().close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected Sync newClient() {
    return PostgresSync.builder(ADDRESS).database(DATABASE).table(TABLE).build();
  }

  @Override
  protected Settings settingsChoosingThisBackend() {
    return Settings.empty().with("sync", "postgres").with("sync_address", ADDRESS)
        .with("sync_database", DATABASE).with("sync_table", TABLE);
  }

  @Override
  protected Sync unreachable() {
    return PostgresSync.builder("127.0.0.1:1").database(DATABASE).table(TABLE).build();
  }

  /** A connection pool of the application's; after the test's two grants, its lock's row holds token 2. */
  @Override
  protected ApplicationClient<Sync> applicationClient() {
    ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(
        ConnectionFactories.get("r2dbc:postgresql://postgres@" + ADDRESS + "/" + DATABASE))
        .initialSize(0).maxSize(2).build());
    return ApplicationClient.of(() -> PostgresSync.builder(pool).table(TABLE).build(), () -> {
      assertThat(pool.isDisposed()).isFalse();
      String id = lockId("application-client");
      assertThat(Mono.usingWhen(pool.create(),
              connection -> Flux.from(connection.createStatement("SELECT token FROM " + TABLE + " WHERE id = $1")
                      .bind(0, id).execute())
                  .flatMap(result -> result.map(row -> row.get(0, Long.class)))
                  .single(),
              Connection::close)
          .block(TIMEOUT)).isEqualTo(2L);
    }, () -> pool.disposeLater().block(TIMEOUT));
  }

  @Override
  protected List<Refusal> builderRefusals() {
    return List.of(
        Refusal.of(() -> PostgresSync.builder((String) null), NullPointerException.class, "address"),
        Refusal.of(() -> PostgresSync.builder(""), IllegalArgumentException.class,
            "the PostgreSQL address must not be blank"),
        Refusal.startingWith(() -> PostgresSync.builder("127.0.0.1:notaport"), IllegalArgumentException.class,
            "invalid PostgreSQL address"),
        Refusal.of(() -> PostgresSync.builder((ConnectionFactory) null), NullPointerException.class,
            "connectionFactory"));
  }

  @AfterAll
  static void dropTheTable() {
    Mono.usingWhen(
            Mono.from(ConnectionFactories.get("r2dbc:postgresql://postgres@" + ADDRESS + "/" + DATABASE).create()),
            c -> Flux.from(c.createStatement("DROP TABLE IF EXISTS " + TABLE).execute())
                .flatMap(result -> result.getRowsUpdated())
                .then(),
            Connection::close)
        .block(TIMEOUT);
  }

  @Test
  void urlAddressesAreAccepted() {
    Sync sync = PostgresSync.builder("postgres://postgres@" + ADDRESS + "/" + DATABASE).table(TABLE).build();
    try {
      StepVerifier.create(sync.lock(lockId("url"), LONG_TTL, Duration.ZERO).flatMap(Lock::unlock))
          .expectComplete()
          .verify(TIMEOUT);
    } finally {
      sync.close().block(TIMEOUT);
    }
  }

  @Test
  void tableNamesThatAreNotPlainIdentifiersAreRefused() {
    assertThatThrownBy(() -> PostgresSync.builder(ADDRESS).table("locks; DROP TABLE x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
