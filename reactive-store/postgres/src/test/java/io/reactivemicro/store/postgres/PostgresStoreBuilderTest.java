package io.reactivemicro.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.reactivemicro.store.Record;
import io.reactivemicro.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The builder's arguments, and stores sharing one connection pool with PostgreSQL on 127.0.0.1:5432. */
class PostgresStoreBuilderTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

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
    assertThatThrownBy(() -> PostgresStore.builder((String) null))
        .isInstanceOf(NullPointerException.class).hasMessage("address");
    assertThatThrownBy(() -> PostgresStore.builder(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("the PostgreSQL address must not be blank");
    assertThatThrownBy(() -> PostgresStore.builder("r2dbc:"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid PostgreSQL address");
    assertThatThrownBy(() -> PostgresStore.builder((ConnectionFactory) null))
        .isInstanceOf(NullPointerException.class).hasMessage("connectionFactory");
  }

  @Test
  void twoStoresShareOnePoolAndLeaveItOpenWhenTheyClose() {
    ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(
        ConnectionFactories.get(PostgresStoreTest.URL)).initialSize(0).maxSize(2).build());
    String sqlTable = "shared_" + UUID.randomUUID().toString().substring(0, 8);
    try {
      Store first = PostgresStore.builder(pool).sqlTable(sqlTable).database("first").build();
      Store second = PostgresStore.builder(pool).sqlTable(sqlTable).database("second").build();

      first.write(Record.of("k", "one")).block(TIMEOUT);
      second.write(Record.of("k", "two")).block(TIMEOUT);
      StepVerifier.create(first.read("k").map(record -> new String(record.value())))
          .expectNext("one").expectComplete().verify(TIMEOUT);
      StepVerifier.create(second.read("k").map(record -> new String(record.value())))
          .expectNext("two").expectComplete().verify(TIMEOUT);

      Mono.when(first.close(), second.close()).block(TIMEOUT);

      assertThat(pool.isDisposed()).isFalse();
      assertThat(Flux.usingWhen(pool.create(),
              connection -> Flux.from(connection.createStatement("SELECT count(*) FROM " + sqlTable).execute())
                  .concatMap(result -> result.map(row -> row.get(0, Long.class))),
              Connection::close)
          .blockLast(TIMEOUT)).isEqualTo(2L);
    } finally {
      Flux.usingWhen(pool.create(),
              connection -> Flux.from(connection.createStatement("DROP TABLE IF EXISTS " + sqlTable).execute())
                  .concatMap(result -> result.getRowsUpdated()),
              Connection::close)
          .then(pool.disposeLater())
          .block(TIMEOUT);
    }
  }
}
