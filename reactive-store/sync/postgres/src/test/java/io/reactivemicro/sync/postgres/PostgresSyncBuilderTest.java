package io.reactivemicro.sync.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.reactivemicro.sync.Lock;
import io.reactivemicro.sync.Sync;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The builder's arguments, and syncs sharing one connection pool with PostgreSQL on 127.0.0.1:5432. */
class PostgresSyncBuilderTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final Duration TTL = Duration.ofSeconds(30);

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

  @Test
  void theAddressIsRequiredAndChecked() {
    assertThatThrownBy(() -> PostgresSync.builder((String) null))
        .isInstanceOf(NullPointerException.class).hasMessage("address");
    assertThatThrownBy(() -> PostgresSync.builder(""))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("the PostgreSQL address must not be blank");
    assertThatThrownBy(() -> PostgresSync.builder("127.0.0.1:notaport"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid PostgreSQL address");
    assertThatThrownBy(() -> PostgresSync.builder((ConnectionFactory) null))
        .isInstanceOf(NullPointerException.class).hasMessage("connectionFactory");
  }

  @Test
  void twoSyncsShareOnePoolAndLeaveItOpenWhenTheyClose() {
    ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(
        ConnectionFactories.get("r2dbc:postgresql://postgres@127.0.0.1:5432/test")).initialSize(0).maxSize(2).build());
    String table = "shared_" + UUID.randomUUID().toString().substring(0, 8);
    try {
      Sync first = PostgresSync.builder(pool).table(table).build();
      Sync second = PostgresSync.builder(pool).table(table).build();

      Lock lock = first.lock("l", TTL, Duration.ZERO).block(TIMEOUT);
      StepVerifier.create(second.lock("l", TTL, Duration.ZERO))
          .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("409"))
          .verify(TIMEOUT);
      lock.unlock().block(TIMEOUT);
      StepVerifier.create(second.lock("l", TTL, Duration.ZERO).flatMap(Lock::unlock))
          .expectComplete()
          .verify(TIMEOUT);

      Mono.when(first.close(), second.close()).block(TIMEOUT);

      assertThat(pool.isDisposed()).isFalse();
      assertThat(Flux.usingWhen(pool.create(),
              connection -> Flux.from(connection.createStatement("SELECT token FROM " + table).execute())
                  .concatMap(result -> result.map(row -> row.get(0, Long.class))),
              Connection::close)
          .blockLast(TIMEOUT)).isEqualTo(2L);
    } finally {
      Flux.usingWhen(pool.create(),
              connection -> Flux.from(connection.createStatement("DROP TABLE IF EXISTS " + table).execute())
                  .concatMap(result -> result.getRowsUpdated()),
              Connection::close)
          .then(pool.disposeLater())
          .block(TIMEOUT);
    }
  }
}
