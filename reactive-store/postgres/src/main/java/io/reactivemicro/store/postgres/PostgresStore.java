package io.reactivemicro.store.postgres;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Statement;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.store.DeleteOptions;
import io.reactivemicro.store.ListOptions;
import io.reactivemicro.store.Namespace;
import io.reactivemicro.store.ReadOptions;
import io.reactivemicro.store.Record;
import io.reactivemicro.store.Store;
import io.reactivemicro.store.spi.StoreSupport;
import io.reactivemicro.store.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * The store on PostgreSQL or CockroachDB, through R2DBC (r2dbc-postgresql and r2dbc-pool): non-blocking
 * from end to end, on the driver's Netty threads.
 *
 * <p><b>Schema.</b> Every namespace shares one SQL table (by default {@value #DEFAULT_SQL_TABLE}, created on
 * the first operation when missing) with the database and table as key columns:
 * <pre>
 * db TEXT, tbl TEXT, record_key BYTEA, record_value BYTEA, metadata TEXT (JSON), expires_at BIGINT (epoch ms),
 * version BIGINT, PRIMARY KEY (db, tbl, record_key)
 * </pre>
 * Keys are stored as their UTF-8 bytes, so the order of reads and lists is the byte order of UTF-8, the
 * same on every server whatever its collation, and prefix reads are range scans of the primary key.
 *
 * <p><b>Portability.</b> The SQL sticks to what PostgreSQL and CockroachDB both run: {@code CREATE TABLE IF
 * NOT EXISTS}, upserts with {@code INSERT ... ON CONFLICT ... DO UPDATE [WHERE]}, conditional
 * {@code UPDATE}s on the version column, {@code LIMIT}/{@code OFFSET}; no advisory locks, no collations,
 * no PostgreSQL-only types. Conditional writes are single statements, so no transaction is held open.
 * CockroachDB may answer contention with a serialization failure (SQLSTATE {@code 40001}): an unconditional
 * write is tried again up to three times, a conditional one fails with a 409 as any lost race does.
 *
 * <p><b>Expiry.</b> {@code expires_at} is compared with the store's clock in every query, so expired rows
 * are never returned; they stay in the table until written again, deleted or removed by
 * {@link #purgeExpired()}.
 *
 * <p><b>Demand.</b> Reads and lists fetch rows through a portal, {@value #FETCH_SIZE} rows at a time, as
 * the subscriber requests them; cancelling closes the query and returns the connection to the pool. A
 * suffix read filters rows as they stream, so it reads the whole namespace (or prefix range).
 *
 * <pre>{@code
 * Store store = PostgresStore.builder("r2dbc:postgresql://postgres@127.0.0.1:5432/micro").build();
 * }</pre>
 */
public final class PostgresStore implements Store {

  /** The SQL table of a store whose builder names none. */
  public static final String DEFAULT_SQL_TABLE = "micro_store";

  /** How many rows a read or a list fetches at a time. */
  static final int FETCH_SIZE = 128;

  private static final Pattern SQL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");
  private static final String LIVE = "(expires_at IS NULL OR expires_at > $%d)";

  private final ConnectionFactory pool;
  private final @Nullable ConnectionPool ownPool;
  private final String sqlTable;
  private final Scheduler clock;
  private final Namespace defaults;
  private final Mono<Boolean> schema;

  private PostgresStore(Builder builder) {
    this.sqlTable = builder.sqlTable;
    this.clock = builder.clock;
    this.defaults = new Namespace(builder.database, builder.table);
    ConnectionFactory factory = builder.connectionFactory != null
        ? builder.connectionFactory
        : ConnectionFactories.get(Objects.requireNonNull(builder.options));
    // A pool the application gives is used as it is and left open; any other factory gets a pool of the
    // store's own, which close() disposes.
    this.ownPool = factory instanceof ConnectionPool ? null
        : new ConnectionPool(ConnectionPoolConfiguration.builder(factory)
            .name("reactive-micro-store")
            .initialSize(0)
            .maxSize(builder.maxConnections)
            .maxIdleTime(Duration.ofMinutes(5))
            .maxAcquireTime(Duration.ofSeconds(30))
            .maxCreateConnectionTime(Duration.ofSeconds(10))
            .build());
    this.pool = ownPool != null ? ownPool : factory;
    // Created once, by the first operation; a failure is tried again by the next one.
    this.schema = Flux.usingWhen(pool.create(), this::createTable, Connection::close)
        .then(Mono.just(true))
        .cache(created -> Duration.ofMillis(Long.MAX_VALUE), error -> Duration.ZERO, () -> Duration.ZERO);
  }

  /**
   * Returns a builder of a store on the server at {@code address}, with a connection pool of its own that
   * {@link #close()} disposes. Like the PostgreSQL sync, it takes one address. Nothing connects before the
   * first operation.
   *
   * @param address an R2DBC URL ({@code r2dbc:postgresql://user:password@host:5432/database}), a
   *     PostgreSQL URL ({@code postgresql://user@host:5432/database?sslmode=disable}, also for CockroachDB
   *     on port 26257) or {@code host:port} (user {@code postgres}, database {@code postgres})
   * @return the builder
   * @throws NullPointerException when {@code address} is null
   * @throws IllegalArgumentException when it is blank or not a valid URL
   */
  public static Builder builder(String address) {
    Objects.requireNonNull(address, "address");
    if (address.isBlank()) {
      throw new IllegalArgumentException("the PostgreSQL address must not be blank");
    }
    String url = url(address.trim());
    try {
      return new Builder(ConnectionFactoryOptions.parse(url), null);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid PostgreSQL address \"" + address + "\": " + e.getMessage(), e);
    }
  }

  /**
   * Returns a builder of a store on connections from an application's R2DBC connection factory. An
   * r2dbc-pool {@link ConnectionPool} is used as it is, so that one pool can serve the store and the
   * PostgreSQL sync, and {@link #close()} leaves it open: the application disposes it after the last backend
   * using it has closed. Any other factory is pooled by the store ({@link Builder#maxConnections}), and
   * closing the store closes the connections it made.
   *
   * <pre>{@code
   * ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(
   *     ConnectionFactories.get("r2dbc:postgresql://app@10.0.0.1:5432/orders")).maxSize(10).build());
   * Store store = PostgresStore.builder(pool).build();
   * Sync sync = PostgresSync.builder(pool).build();
   * // ... and when done:
   * Mono.when(store.close(), sync.close()).then(pool.disposeLater()).block();
   * }</pre>
   *
   * @param connectionFactory the connection factory, or pool
   * @return the builder
   * @throws NullPointerException when {@code connectionFactory} is null
   */
  public static Builder builder(ConnectionFactory connectionFactory) {
    return new Builder(null, Objects.requireNonNull(connectionFactory, "connectionFactory"));
  }

  /**
   * Turns an address into an R2DBC URL.
   *
   * @param address an R2DBC URL, a {@code postgres://} or {@code postgresql://} URL, or {@code host:port}
   * @return the R2DBC URL
   */
  static String url(String address) {
    if (address.startsWith("r2dbc:")) {
      return address;
    }
    for (String scheme : List.of("postgresql://", "postgres://")) {
      if (address.startsWith(scheme)) {
        return "r2dbc:postgresql://" + address.substring(scheme.length()).replace("sslmode=", "sslMode=");
      }
    }
    return "r2dbc:postgresql://postgres@" + address + "/postgres";
  }

  /** Returns the SQL table the store keeps its records in. */
  public String sqlTable() {
    return sqlTable;
  }

  @Override
  public String name() {
    return "postgres";
  }

  @Override
  public String database() {
    return defaults.database();
  }

  @Override
  public String table() {
    return defaults.table();
  }

  @Override
  public Flux<Record> read(String key, ReadOptions options) {
    return Flux.defer(() -> {
      Namespace namespace = Namespace.resolve(options.database(), options.table(), this);
      StoreSupport.checkPattern(key);
      long now = now();
      List<Object> args = new ArrayList<>(List.of(namespace.database(), namespace.table()));
      StringBuilder sql = new StringBuilder("SELECT record_key, record_value, metadata, expires_at, version FROM ")
          .append(sqlTable).append(" WHERE db = $1 AND tbl = $2");
      boolean exact = !options.isPrefix() && !options.isSuffix();
      if (exact) {
        args.add(utf8(key));
        sql.append(" AND record_key = $3");
      } else if (options.isPrefix()) {
        keyRange(key, sql, args);
      }
      args.add(now);
      sql.append(" AND ").append(String.format(LIVE, args.size())).append(" ORDER BY record_key");
      boolean pageInJava = exact || options.isSuffix();
      if (!pageInJava) {
        paging(options.limit(), options.offset(), sql, args);
      }
      Flux<Record> rows = query(sql.toString(), args, this::toRecord)
          .filter(record -> StoreSupport.matches(record.key(), key, options) && !StoreSupport.expired(record, now));
      if (exact) {
        rows = rows.switchIfEmpty(Mono.error(() -> StoreSupport.notFound(namespace, key)));
      }
      if (pageInJava) {
        rows = StoreSupport.page(rows, options.offset(), options.limit());
      }
      return rows;
    });
  }

  @Override
  public Mono<Void> write(Record record, WriteOptions options) {
    return Mono.defer(() -> {
      Namespace namespace = Namespace.resolve(options.database(), options.table(), this);
      String key = StoreSupport.checkKey(record.key());
      long now = now();
      Instant expiry = StoreSupport.expiry(options, record, now);
      List<Object> args = new ArrayList<>(List.of(namespace.database(), namespace.table(), utf8(key),
          record.value(), StoreSupport.encodeMetadata(record.metadata())));
      args.add(expiry == null ? Long.class : (Object) expiry.toEpochMilli());
      String sql;
      if (options.expectedVersion() > 0) {
        args.add(options.expectedVersion());
        args.add(now);
        sql = "UPDATE " + sqlTable + " SET record_value = $4, metadata = $5, expires_at = $6, version = version + 1"
            + " WHERE db = $1 AND tbl = $2 AND record_key = $3 AND version = $7 AND " + String.format(LIVE, 8);
      } else {
        sql = "INSERT INTO " + sqlTable + " AS r (db, tbl, record_key, record_value, metadata, expires_at, version)"
            + " VALUES ($1, $2, $3, $4, $5, $6, 1) ON CONFLICT (db, tbl, record_key) DO UPDATE SET"
            + " record_value = excluded.record_value, metadata = excluded.metadata,"
            + " expires_at = excluded.expires_at, version = r.version + 1";
        if (options.conditional()) {
          args.add(now);
          sql += " WHERE r.expires_at IS NOT NULL AND r.expires_at <= $7";
        }
      }
      Mono<Long> updated = update(sql, args);
      if (!options.conditional()) {
        return updated.retryWhen(Retry.max(3).filter(PostgresStore::serializationFailure)).then();
      }
      return updated
          .onErrorMap(PostgresStore::serializationFailure,
              e -> StoreSupport.conflict(namespace, key, options.expectedVersion()))
          .flatMap(rows -> rows > 0 ? Mono.<Void>empty()
              : Mono.error(StoreSupport.conflict(namespace, key, options.expectedVersion())));
    });
  }

  @Override
  public Mono<Void> delete(String key, DeleteOptions options) {
    return Mono.defer(() -> {
      Namespace namespace = Namespace.resolve(options.database(), options.table(), this);
      StoreSupport.checkKey(key);
      return update("DELETE FROM " + sqlTable + " WHERE db = $1 AND tbl = $2 AND record_key = $3",
          List.of(namespace.database(), namespace.table(), utf8(key)))
          .retryWhen(Retry.max(3).filter(PostgresStore::serializationFailure))
          .then();
    });
  }

  @Override
  public Flux<String> list(ListOptions options) {
    return Flux.defer(() -> {
      Namespace namespace = Namespace.resolve(options.database(), options.table(), this);
      StoreSupport.checkPattern(options.prefix());
      StoreSupport.checkPattern(options.suffix());
      long now = now();
      List<Object> args = new ArrayList<>(List.of(namespace.database(), namespace.table()));
      StringBuilder sql = new StringBuilder("SELECT record_key FROM ").append(sqlTable)
          .append(" WHERE db = $1 AND tbl = $2");
      keyRange(options.prefix(), sql, args);
      args.add(now);
      sql.append(" AND ").append(String.format(LIVE, args.size())).append(" ORDER BY record_key");
      boolean filterInJava = !options.suffix().isEmpty();
      if (!filterInJava) {
        paging(options.limit(), options.offset(), sql, args);
      }
      Flux<String> keys = query(sql.toString(), args, row -> string(row.get("record_key", byte[].class)))
          .filter(key -> StoreSupport.matches(key, options));
      return filterInJava ? StoreSupport.page(keys, options.offset(), options.limit()) : keys;
    });
  }

  /**
   * Deletes the expired rows of every namespace.
   *
   * @return a {@code Mono} of how many rows were deleted
   */
  public Mono<Long> purgeExpired() {
    return Mono.defer(() -> update("DELETE FROM " + sqlTable + " WHERE expires_at IS NOT NULL AND expires_at <= $1",
        List.of(now())));
  }

  /**
   * Disposes the store's own pool, closing its connections; a {@link ConnectionPool} given to
   * {@link #builder(ConnectionFactory)} stays open.
   *
   * @return a {@code Mono} that completes once closed
   */
  @Override
  public Mono<Void> close() {
    return ownPool != null ? ownPool.disposeLater() : Mono.empty();
  }

  private Flux<Void> createTable(Connection connection) {
    String sql = "CREATE TABLE IF NOT EXISTS " + sqlTable + " (db TEXT NOT NULL, tbl TEXT NOT NULL,"
        + " record_key BYTEA NOT NULL, record_value BYTEA NOT NULL, metadata TEXT NOT NULL, expires_at BIGINT,"
        + " version BIGINT NOT NULL, PRIMARY KEY (db, tbl, record_key))";
    return Flux.from(connection.createStatement(sql).execute())
        .concatMap(result -> result.getRowsUpdated())
        // Two processes creating the table at once: one of them loses with a unique violation.
        .onErrorResume(e -> e instanceof R2dbcException r && "23505".equals(r.getSqlState()), e -> Mono.empty())
        .thenMany(Flux.empty());
  }

  private <T> Flux<T> query(String sql, List<Object> args, Function<Readable, T> mapper) {
    return schema.thenMany(Flux.usingWhen(pool.create(),
            connection -> Flux.from(bind(connection.createStatement(sql), args).fetchSize(FETCH_SIZE).execute())
                .concatMap(result -> result.map(mapper)),
            Connection::close))
        .onErrorMap(PostgresStore::translate);
  }

  private Mono<Long> update(String sql, List<Object> args) {
    return schema.then(Flux.usingWhen(pool.create(),
            connection -> Flux.from(bind(connection.createStatement(sql), args).execute())
                .concatMap(result -> result.getRowsUpdated()),
            Connection::close)
        .reduce(0L, Long::sum))
        .onErrorMap(PostgresStore::translate);
  }

  private static Statement bind(Statement statement, List<Object> args) {
    for (int i = 0; i < args.size(); i++) {
      Object arg = args.get(i);
      if (arg instanceof Class<?> type) {
        statement.bindNull(i, type);
      } else {
        statement.bind(i, arg);
      }
    }
    return statement;
  }

  private Record toRecord(Readable row) {
    Long expires = row.get("expires_at", Long.class);
    String metadata = row.get("metadata", String.class);
    Long version = row.get("version", Long.class);
    return new Record(string(row.get("record_key", byte[].class)),
        Objects.requireNonNull(row.get("record_value", byte[].class), "record_value"),
        StoreSupport.decodeMetadata(metadata == null ? "" : metadata),
        expires == null ? null : Instant.ofEpochMilli(expires), version == null ? 0 : version);
  }

  /** Adds the range of keys starting with {@code prefix}: the primary key's index answers it. */
  private static void keyRange(String prefix, StringBuilder sql, List<Object> args) {
    if (prefix.isEmpty()) {
      return;
    }
    byte[] low = utf8(prefix);
    args.add(low);
    sql.append(" AND record_key >= $").append(args.size());
    byte[] high = successor(low);
    if (high != null) {
      args.add(high);
      sql.append(" AND record_key < $").append(args.size());
    }
  }

  private static void paging(long limit, long offset, StringBuilder sql, List<Object> args) {
    if (limit > 0) {
      args.add(limit);
      sql.append(" LIMIT $").append(args.size());
    }
    if (offset > 0) {
      args.add(offset);
      sql.append(" OFFSET $").append(args.size());
    }
  }

  /** Returns the least byte string greater than every string starting with {@code prefix}, or null. */
  static byte @Nullable [] successor(byte[] prefix) {
    int end = prefix.length;
    while (end > 0 && prefix[end - 1] == (byte) 0xff) {
      end--;
    }
    if (end == 0) {
      return null;
    }
    byte[] next = Arrays.copyOf(prefix, end);
    next[end - 1]++;
    return next;
  }

  private static boolean serializationFailure(Throwable error) {
    return error instanceof R2dbcException r && "40001".equals(r.getSqlState());
  }

  private static Throwable translate(Throwable error) {
    if (error instanceof MicroException) {
      return error;
    }
    if (error instanceof R2dbcException r) {
      // SQLSTATE class 08 is a connection exception: PostgreSQL could not be reached, or the connection broke.
      int code = r.getSqlState() != null && r.getSqlState().startsWith("08") ? 503 : 500;
      return new MicroException(StoreSupport.ID, code, "postgres: " + r.getMessage()
          + (r.getSqlState() == null ? "" : " (SQLSTATE " + r.getSqlState() + ")"), MicroException.statusText(code), r);
    }
    return new MicroException(StoreSupport.ID, 503, "postgres: " + error.getMessage(),
        MicroException.statusText(503), error);
  }

  private long now() {
    return clock.now(TimeUnit.MILLISECONDS);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte @Nullable [] utf8) {
    return new String(Objects.requireNonNull(utf8, "record_key"), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "PostgresStore[" + sqlTable + ", " + defaults + "]";
  }

  /** Builds a {@link PostgresStore}. */
  public static final class Builder {

    private final @Nullable ConnectionFactoryOptions options;
    private final @Nullable ConnectionFactory connectionFactory;
    private String sqlTable = DEFAULT_SQL_TABLE;
    private Scheduler clock = Schedulers.parallel();
    private String database = DEFAULT_DATABASE;
    private String table = DEFAULT_TABLE;
    private int maxConnections = 10;

    private Builder(@Nullable ConnectionFactoryOptions options, @Nullable ConnectionFactory connectionFactory) {
      this.options = options;
      this.connectionFactory = connectionFactory;
    }

    /**
     * Sets the SQL table of the records, optionally schema-qualified ({@code schema.table});
     * {@value #DEFAULT_SQL_TABLE} unless set.
     *
     * @throws IllegalArgumentException when it is not a plain SQL identifier
     */
    public Builder sqlTable(String sqlTable) {
      if (!SQL_NAME.matcher(sqlTable).matches()) {
        throw new IllegalArgumentException("invalid SQL table name: " + sqlTable);
      }
      this.sqlTable = sqlTable;
      return this;
    }

    /** Sets the clock of expiries; tests pass a virtual-time scheduler. */
    public Builder clock(Scheduler clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Sets the default database; {@value Store#DEFAULT_DATABASE} unless set. */
    public Builder database(String database) {
      this.database = Objects.requireNonNull(database, "database");
      return this;
    }

    /** Sets the default table; {@value Store#DEFAULT_TABLE} unless set. */
    public Builder table(String table) {
      this.table = Objects.requireNonNull(table, "table");
      return this;
    }

    /**
     * Sets the most connections the store's own pool opens; 10 unless set. A {@link ConnectionPool} given to
     * {@link PostgresStore#builder(ConnectionFactory)} keeps its own limit.
     *
     * @param maxConnections at least 1
     * @return this builder
     */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections < 1) {
        throw new IllegalArgumentException("maxConnections must be positive");
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * Returns the store; nothing connects before its first operation.
     *
     * @return the store
     * @throws IllegalStateException when no R2DBC driver on the class path serves the URL
     */
    public PostgresStore build() {
      return new PostgresStore(this);
    }
  }
}
