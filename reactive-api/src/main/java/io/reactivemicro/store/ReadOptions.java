package io.reactivemicro.store;

import io.reactivemicro.store.spi.StoreSupport;
import org.jspecify.annotations.Nullable;

/**
 * Options of {@link Store#read(String, ReadOptions)}, immutable: each method returns a copy.
 *
 * <p>Without {@link #withPrefix()} or {@link #withSuffix()} the key is matched exactly. With {@code prefix()} the
 * read returns every record whose key starts with the key given; with {@code suffix()} every record whose
 * key ends with it; with both, keys that start and end with it. {@link #offset(long)} and
 * {@link #limit(long)} page through the matches, in key order where the backend keeps one.
 *
 * <pre>{@code
 * store.read("user/", ReadOptions.defaults().prefix().limit(20).offset(40));
 * }</pre>
 *
 * @param database the database to read from, or {@code null} for the store's own
 * @param table the table to read from, or {@code null} for the store's own
 * @param isPrefix whether the key is a prefix
 * @param isSuffix whether the key is a suffix
 * @param limit the most records to return; {@code 0} for no limit
 * @param offset how many matching records to skip
 */
public record ReadOptions(@Nullable String database, @Nullable String table, boolean isPrefix,
    boolean isSuffix, long limit, long offset) {

  private static final ReadOptions NONE = new ReadOptions(null, null, false, false, 0, 0);

  /** Validates the components. */
  public ReadOptions {
    StoreSupport.checkPaging(limit, offset);
  }

  /** Returns options that read one key exactly, from the store's database and table. */
  public static ReadOptions defaults() {
    return NONE;
  }

  /** Returns these options reading every record whose key starts with the key. */
  public ReadOptions withPrefix() {
    return new ReadOptions(database, table, true, isSuffix, limit, offset);
  }

  /** Returns these options reading every record whose key ends with the key. */
  public ReadOptions withSuffix() {
    return new ReadOptions(database, table, isPrefix, true, limit, offset);
  }

  /** Returns these options returning at most {@code limit} records; {@code 0} for no limit. */
  public ReadOptions withLimit(long limit) {
    return new ReadOptions(database, table, isPrefix, isSuffix, limit, offset);
  }

  /** Returns these options skipping the first {@code offset} matching records. */
  public ReadOptions withOffset(long offset) {
    return new ReadOptions(database, table, isPrefix, isSuffix, limit, offset);
  }

  /** Returns these options reading from {@code database} and {@code table}. */
  public ReadOptions withNamespace(String database, String table) {
    return new ReadOptions(database, table, isPrefix, isSuffix, limit, offset);
  }

  /** Returns these options with the database and table the options leave unset taken from {@code scope}. */
  ReadOptions scopedTo(String database, String table) {
    return new ReadOptions(this.database != null ? this.database : database,
        this.table != null ? this.table : table, isPrefix, isSuffix, limit, offset);
  }
}
