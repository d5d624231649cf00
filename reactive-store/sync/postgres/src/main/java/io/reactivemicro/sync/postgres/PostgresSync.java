package io.reactivemicro.sync.postgres;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.reactivemicro.sync.Leadership;
import io.reactivemicro.sync.spi.LeaseSync;
import io.reactivemicro.sync.Lock;
import io.reactivemicro.sync.Sync;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Locks and leader election on lease rows in PostgreSQL (or CockroachDB), through R2DBC.
 *
 * <p>Each lock id is one row of the lease table {@code (id, owner, token, expires_at)}, created on first
 * use. Taking a lock is one {@code INSERT ... ON CONFLICT (id) DO UPDATE ... WHERE expires_at <= now}
 * statement, so it succeeds only when the row is new or its lease has run out; the row's {@code token}
 * column counts the grants and is the fencing token. Refreshing and releasing are {@code UPDATE}s that
 * match the holder's random owner value and an unexpired lease, so an expired holder can never release
 * its successor's lock. Leases run on the database server's clock ({@code clock_timestamp()}); waiting
 * clients poll with back-off up to 100 ms. Rows are kept after release, one per lock id ever used, since
 * they carry the fencing counter.
 *
 * <p>Each instance built on an address has its own small connection pool (r2dbc-pool, at most four
 * connections), opened on first use; one built on an application's {@link ConnectionPool} uses that pool.
 *
 * <pre>{@code
 * Sync sync = PostgresSync.builder("127.0.0.1:5432").database("orders").table("order_locks").build();
 * }</pre>
 */
public final class PostgresSync implements Sync {

  /** The address used when none is given. */
  public static final String DEFAULT_ADDRESS = "127.0.0.1:5432";

  /** The database of a {@code host:port} address when none is given. */
  public static final String DEFAULT_DATABASE = "postgres";

  /** The lease table used when none is given. */
  public static final String DEFAULT_TABLE = "micro_sync_leases";

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  private final LeaseSync engine;

  private PostgresSync(ConnectionFactory factory, String table) {
    this.engine = new LeaseSync(new PostgresLeases(factory, table));
  }

  /**
   * Returns a builder of a sync on the database at {@code address}, with a small connection pool of its
   * own that {@link #close()} disposes. Like the PostgreSQL store, it takes one address.
   *
   * @param address {@code host:port} (user {@code postgres} and database {@code postgres} unless
   *     {@link Builder#user} and {@link Builder#database} say otherwise), or a {@code postgres://},
   *     {@code postgresql://} or {@code r2dbc:postgresql://} URL with user, password and database
   * @return the builder
   * @throws NullPointerException when {@code address} is null
   * @throws IllegalArgumentException when it is blank or cannot be parsed
   */
  public static Builder builder(String address) {
    Objects.requireNonNull(address, "address");
    if (address.isBlank()) {
      throw new IllegalArgumentException("the PostgreSQL address must not be blank");
    }
    String trimmed = address.trim();
    options(trimmed, "postgres", DEFAULT_DATABASE);
    return new Builder(trimmed, null);
  }

  /**
   * Returns a builder of a sync on connections from an application's R2DBC connection factory. An
   * r2dbc-pool {@link ConnectionPool} is used as it is, so that one pool can serve the sync and the
   * PostgreSQL store (see {@code PostgresStore.builder(ConnectionFactory)} for an example), and
   * {@link #close()} leaves it open: the application disposes it after the last backend using it has
   * closed. Any other factory gets a small pool of the sync's own, disposed on close.
   *
   * @param connectionFactory the connection factory, or pool
   * @return the builder
   * @throws NullPointerException when {@code connectionFactory} is null
   */
  public static Builder builder(ConnectionFactory connectionFactory) {
    return new Builder(null, Objects.requireNonNull(connectionFactory, "connectionFactory"));
  }

  @Override
  public String name() {
    return "postgres";
  }

  @Override
  public Mono<Lock> lock(String id, Duration ttl, Duration wait) {
    return engine.lock(id, ttl, wait);
  }

  @Override
  public Flux<Leadership> elect(String id, Duration ttl) {
    return engine.elect(id, ttl);
  }

  /**
   * Closes the sync and disposes its own pool; a {@link ConnectionPool} given to
   * {@link #builder(ConnectionFactory)} stays open. Locks held are not released: they expire with their
   * TTL.
   *
   * @return a {@code Mono} that completes once closed
   */
  @Override
  public Mono<Void> close() {
    return engine.close();
  }

  /** Builds a {@link PostgresSync}. Creating one makes no connection. */
  public static final class Builder {

    private final @Nullable String address;
    private final @Nullable ConnectionFactory connectionFactory;
    private String database = DEFAULT_DATABASE;
    private String user = "postgres";
    private String table = DEFAULT_TABLE;

    private Builder(@Nullable String address, @Nullable ConnectionFactory connectionFactory) {
      this.address = address;
      this.connectionFactory = connectionFactory;
    }

    /**
     * Sets the database of a {@code host:port} address; a URL names its own.
     *
     * @param database the database name
     * @return this builder
     */
    public Builder database(String database) {
      this.database = Objects.requireNonNull(database, "database");
      return this;
    }

    /**
     * Sets the user of a {@code host:port} address (default {@code postgres}); a URL names its own.
     *
     * @param user the user name
     * @return this builder
     */
    public Builder user(String user) {
      this.user = Objects.requireNonNull(user, "user");
      return this;
    }

    /**
     * Sets the lease table, created on first use when missing.
     *
     * @param table a plain SQL identifier (letters, digits, underscores), optionally schema-qualified
     * @return this builder
     * @throws IllegalArgumentException when it is not a plain identifier
     */
    public Builder table(String table) {
      Objects.requireNonNull(table, "table");
      for (String part : table.split("\\.", -1)) {
        if (!IDENTIFIER.matcher(part).matches()) {
          throw new IllegalArgumentException("the lease table must be a plain SQL identifier: " + table);
        }
      }
      this.table = table;
      return this;
    }

    /**
     * Returns the sync; it connects on first use.
     *
     * @return the sync
     * @throws IllegalStateException when no R2DBC driver on the class path serves the address
     */
    public PostgresSync build() {
      ConnectionFactory factory = connectionFactory != null
          ? connectionFactory
          : ConnectionFactories.get(options(Objects.requireNonNull(address), user, database));
      return new PostgresSync(factory, table);
    }
  }

  private static ConnectionFactoryOptions options(String address, String user, String database) {
    try {
      if (address.startsWith("r2dbc:")) {
        return ConnectionFactoryOptions.parse(address);
      }
      if (address.startsWith("postgres://") || address.startsWith("postgresql://")) {
        return ConnectionFactoryOptions.parse("r2dbc:postgresql://" + address.substring(address.indexOf("://") + 3));
      }
      int colon = address.lastIndexOf(':');
      String host = colon > 0 ? address.substring(0, colon) : address;
      int port = colon > 0 ? Integer.parseInt(address.substring(colon + 1)) : 5432;
      return ConnectionFactoryOptions.builder()
          .option(ConnectionFactoryOptions.DRIVER, "postgresql")
          .option(ConnectionFactoryOptions.HOST, host)
          .option(ConnectionFactoryOptions.PORT, port)
          .option(ConnectionFactoryOptions.USER, user)
          .option(ConnectionFactoryOptions.DATABASE, database)
          .build();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid PostgreSQL address \"" + address + "\": " + e.getMessage(), e);
    }
  }
}
