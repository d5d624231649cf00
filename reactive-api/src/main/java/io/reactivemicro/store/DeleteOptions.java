package io.reactivemicro.store;

import org.jspecify.annotations.Nullable;

/**
 * Options of {@link Store#delete(String, DeleteOptions)}, immutable.
 *
 * @param database the database to delete from, or {@code null} for the store's own
 * @param table the table to delete from, or {@code null} for the store's own
 */
public record DeleteOptions(@Nullable String database, @Nullable String table) {

  private static final DeleteOptions NONE = new DeleteOptions(null, null);

  /** Returns options that delete from the store's database and table. */
  public static DeleteOptions defaults() {
    return NONE;
  }

  /** Returns these options deleting from {@code database} and {@code table}. */
  public DeleteOptions withNamespace(String database, String table) {
    return new DeleteOptions(database, table);
  }

  DeleteOptions scopedTo(String database, String table) {
    return new DeleteOptions(this.database != null ? this.database : database,
        this.table != null ? this.table : table);
  }
}
