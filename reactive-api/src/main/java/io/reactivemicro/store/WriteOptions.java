package io.reactivemicro.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Options of {@link Store#write(Record, WriteOptions)}, immutable: each method returns a copy.
 *
 * <p>The expiry of the written record is, in order: {@link #withTtl(Duration)} from the time of the write,
 * {@link #withExpiry(Instant)}, the record's own {@link Record#expiry()}; none of them means the record never
 * expires. A conditional write ({@link #ifVersion(long)}, {@link #withIfAbsent()}) fails with a 409
 * {@link io.reactivemicro.errors.MicroException} when its condition does not hold, and writes nothing.
 *
 * <pre>{@code
 * // optimistic concurrency: write back only if nobody wrote since the read
 * store.read("counter").next()
 *     .flatMap(r -> store.write(Record.of("counter", next(r)), WriteOptions.defaults().ifVersion(r.version())));
 * }</pre>
 *
 * @param database the database to write to, or {@code null} for the store's own
 * @param table the table to write to, or {@code null} for the store's own
 * @param ttl how long the record lives from the write, or {@code null}
 * @param expiry when the record expires, or {@code null}
 * @param expectedVersion {@link #ANY_VERSION} for an unconditional write; {@code 0} to write only if
 *     there is no live record; a version to write only if the live record has that version
 */
public record WriteOptions(@Nullable String database, @Nullable String table, @Nullable Duration ttl,
    @Nullable Instant expiry, long expectedVersion) {

  /** The {@link #expectedVersion()} of an unconditional write. */
  public static final long ANY_VERSION = -1;

  private static final WriteOptions NONE = new WriteOptions(null, null, null, null, ANY_VERSION);

  /** Validates the components. */
  public WriteOptions {
    if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
    if (expectedVersion < ANY_VERSION) {
      throw new IllegalArgumentException("expected version must be -1 (any), 0 (absent) or a version");
    }
  }

  /** Returns options for an unconditional write to the store's database and table. */
  public static WriteOptions defaults() {
    return NONE;
  }

  /** Returns these options with the record living {@code ttl} from the time of the write. */
  public WriteOptions withTtl(Duration ttl) {
    return new WriteOptions(database, table, Objects.requireNonNull(ttl, "ttl"), expiry, expectedVersion);
  }

  /** Returns these options with the record expiring at {@code expiry}. */
  public WriteOptions withExpiry(Instant expiry) {
    return new WriteOptions(database, table, ttl, Objects.requireNonNull(expiry, "expiry"), expectedVersion);
  }

  /**
   * Returns these options writing only if the live record of the key has version {@code version}, as
   * read before: the write fails with a 409 when another write came in between.
   */
  public WriteOptions withIfVersion(long version) {
    if (version < 1) {
      throw new IllegalArgumentException("versions start at 1; use ifAbsent() for a new record");
    }
    return new WriteOptions(database, table, ttl, expiry, version);
  }

  /** Returns these options writing only if the key has no live record; a 409 otherwise. */
  public WriteOptions withIfAbsent() {
    return new WriteOptions(database, table, ttl, expiry, 0);
  }

  /** Returns these options writing to {@code database} and {@code table}. */
  public WriteOptions withNamespace(String database, String table) {
    return new WriteOptions(database, table, ttl, expiry, expectedVersion);
  }

  /** Tells whether the write is conditional. */
  public boolean conditional() {
    return expectedVersion != ANY_VERSION;
  }

  WriteOptions scopedTo(String database, String table) {
    return new WriteOptions(this.database != null ? this.database : database,
        this.table != null ? this.table : table, ttl, expiry, expectedVersion);
  }
}
