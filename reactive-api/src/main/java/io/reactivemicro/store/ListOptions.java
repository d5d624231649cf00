package io.reactivemicro.store;

import io.reactivemicro.store.spi.StoreSupport;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Options of {@link Store#list(ListOptions)}, immutable: each method returns a copy.
 *
 * <pre>{@code
 * store.list(ListOptions.defaults().prefix("user/").suffix(".json").limit(100));
 * }</pre>
 *
 * @param database the database to list, or {@code null} for the store's own
 * @param table the table to list, or {@code null} for the store's own
 * @param prefix what every key listed starts with; empty for any
 * @param suffix what every key listed ends with; empty for any
 * @param limit the most keys to return; {@code 0} for no limit
 * @param offset how many matching keys to skip
 */
public record ListOptions(@Nullable String database, @Nullable String table, String prefix, String suffix,
    long limit, long offset) {

  private static final ListOptions NONE = new ListOptions(null, null, "", "", 0, 0);

  /** Validates the components. */
  public ListOptions {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(suffix, "suffix");
    StoreSupport.checkPaging(limit, offset);
  }

  /** Returns options that list every key of the store's database and table. */
  public static ListOptions defaults() {
    return NONE;
  }

  /** Returns these options listing only keys that start with {@code prefix}. */
  public ListOptions withPrefix(String prefix) {
    return new ListOptions(database, table, prefix, suffix, limit, offset);
  }

  /** Returns these options listing only keys that end with {@code suffix}. */
  public ListOptions withSuffix(String suffix) {
    return new ListOptions(database, table, prefix, suffix, limit, offset);
  }

  /** Returns these options returning at most {@code limit} keys; {@code 0} for no limit. */
  public ListOptions withLimit(long limit) {
    return new ListOptions(database, table, prefix, suffix, limit, offset);
  }

  /** Returns these options skipping the first {@code offset} matching keys. */
  public ListOptions withOffset(long offset) {
    return new ListOptions(database, table, prefix, suffix, limit, offset);
  }

  /** Returns these options listing {@code database} and {@code table}. */
  public ListOptions withNamespace(String database, String table) {
    return new ListOptions(database, table, prefix, suffix, limit, offset);
  }

  ListOptions scopedTo(String database, String table) {
    return new ListOptions(this.database != null ? this.database : database,
        this.table != null ? this.table : table, prefix, suffix, limit, offset);
  }
}
