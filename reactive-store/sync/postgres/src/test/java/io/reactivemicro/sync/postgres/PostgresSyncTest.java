package io.reactivemicro.sync.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.sync.Lock;
import io.reactivemicro.sync.Sync;
import io.reactivemicro.test.sync.SyncContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
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
  void settingsChoosePostgresWithItsAddressDatabaseAndTable() {
    Settings settings = Settings.empty().with("sync", "postgres").with("sync_address", ADDRESS)
        .with("sync_database", DATABASE).with("sync_table", TABLE);
    Sync sync = Sync.fromSettings(settings);
    try {
      assertThat(sync.name()).isEqualTo("postgres");
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

  @Test
  void unreachableServerFailsTheOperationNotTheConstruction() {
    Sync sync = PostgresSync.builder("127.0.0.1:1").database(DATABASE).table(TABLE).build();
    try {
      StepVerifier.create(sync.lock(lockId("down"), LONG_TTL, Duration.ZERO))
          .expectError()
          .verify(TIMEOUT);
    } finally {
      sync.close().block(TIMEOUT);
    }
  }
}
