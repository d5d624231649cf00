package io.reactivemicro.sync.postgres;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.Statement;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.sync.spi.LeaseBackend;
import java.time.Duration;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/** The atomic lease operations on a PostgreSQL table: one row per lock id, one statement per operation. */
final class PostgresLeases implements LeaseBackend {

  private static final String ID = "sync.postgres";

  private final ConnectionFactory pool;
  private final @Nullable ConnectionPool ownPool;
  private final Mono<Void> schema;
  private final String acquire;
  private final String refresh;
  private final String release;

  /**
   * Creates the lease operations on connections from {@code factory}: an r2dbc-pool {@link ConnectionPool}
   * is used as it is and left open on close; any other factory gets a small pool of its own, disposed on
   * close.
   */
  PostgresLeases(ConnectionFactory factory, String table) {
    this.ownPool = factory instanceof ConnectionPool ? null
        : new ConnectionPool(ConnectionPoolConfiguration.builder(factory)
            .initialSize(0)
            .maxSize(4)
            .maxIdleTime(Duration.ofMinutes(5))
            .maxCreateConnectionTime(Duration.ofSeconds(10))
            .name("micro-sync")
            .build());
    this.pool = ownPool != null ? ownPool : factory;
    String create = "CREATE TABLE IF NOT EXISTS " + table + " (id TEXT PRIMARY KEY, owner TEXT, "
        + "token BIGINT NOT NULL, expires_at TIMESTAMPTZ NOT NULL)";
    // Clients that create the table at the same moment may collide in the catalog: trying again settles it.
    this.schema = Mono.defer(() -> withConnection(c -> Flux.from(c.createStatement(create).execute())
            .flatMap(result -> result.getRowsUpdated())
            .then()))
        .retryWhen(Retry.backoff(3, Duration.ofMillis(50)).filter(PostgresLeases::catalogRace))
        .cache(ok -> Duration.ofMillis(Long.MAX_VALUE), e -> Duration.ZERO, () -> Duration.ofMillis(Long.MAX_VALUE));
    this.acquire = "INSERT INTO " + table + " AS lease (id, owner, token, expires_at) "
        + "VALUES ($1, $2, 1, clock_timestamp() + $3 * INTERVAL '1 millisecond') "
        + "ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, token = lease.token + 1, "
        + "expires_at = excluded.expires_at WHERE lease.expires_at <= clock_timestamp() "
        + "RETURNING lease.token";
    this.refresh = "UPDATE " + table + " SET expires_at = clock_timestamp() + $3 * INTERVAL '1 millisecond' "
        + "WHERE id = $1 AND owner = $2 AND expires_at > clock_timestamp()";
    this.release = "UPDATE " + table + " SET owner = NULL, expires_at = clock_timestamp() "
        + "WHERE id = $1 AND owner = $2 AND expires_at > clock_timestamp()";
  }

  @Override
  public String name() {
    return "postgres";
  }

  @Override
  public Mono<Long> tryAcquire(String id, String owner, Duration ttl) {
    return schema.then(withConnection(c -> Flux.from(bind(c.createStatement(acquire), id, owner)
            .bind(2, ttl.toMillis()).execute())
        .flatMap(result -> result.map((row, meta) -> row.get(0, Long.class)))
        .next()));
  }

  @Override
  public Mono<Boolean> refresh(String id, String owner, Duration ttl) {
    return schema.then(withConnection(c -> updated(bind(c.createStatement(refresh), id, owner)
        .bind(2, ttl.toMillis()))));
  }

  @Override
  public Mono<Boolean> release(String id, String owner) {
    return schema.then(withConnection(c -> updated(bind(c.createStatement(release), id, owner))));
  }

  @Override
  public Mono<Void> close() {
    return ownPool != null ? ownPool.disposeLater() : Mono.empty();
  }

  private <T> Mono<T> withConnection(Function<Connection, Mono<T>> work) {
    return Mono.usingWhen(pool.create(), work, Connection::close).onErrorMap(PostgresLeases::translate);
  }

  /**
   * Turns a failure into a {@link MicroException}: a 503 when PostgreSQL cannot be reached (SQLSTATE class
   * 08, a connection exception, or no R2DBC error at all), a 500 otherwise. The message keeps the cause's.
   */
  private static Throwable translate(Throwable error) {
    if (error instanceof MicroException) {
      return error;
    }
    String state = error instanceof R2dbcException r ? r.getSqlState() : null;
    int code = !(error instanceof R2dbcException) || state != null && state.startsWith("08") ? 503 : 500;
    return new MicroException(ID, code, "postgres: " + error.getMessage(), MicroException.statusText(code), error);
  }

  private static Statement bind(Statement statement, String id, String owner) {
    return statement.bind(0, id).bind(1, owner);
  }

  private static Mono<Boolean> updated(Statement statement) {
    return Flux.from(statement.execute())
        .flatMap(result -> result.getRowsUpdated())
        .reduce(0L, Long::sum)
        .map(rows -> rows > 0);
  }

  private static boolean catalogRace(Throwable error) {
    String message = String.valueOf(error.getMessage());
    return message.contains("duplicate key") || message.contains("already exists");
  }
}
