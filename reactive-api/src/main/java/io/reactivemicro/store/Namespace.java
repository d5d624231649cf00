package io.reactivemicro.store;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.store.spi.StoreSupport;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A database and a table: the namespace records live in. The same key in two namespaces names two
 * records. Names are 1 to 128 characters among letters, digits, {@code _}, {@code -} and {@code .}, so
 * that every backend can use them in file, map, table and key names as they are.
 *
 * @param database the database
 * @param table the table
 */
public record Namespace(String database, String table) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,128}");

  /**
   * Validates the names.
   *
   * @throws MicroException a 400 when a name is empty, too long or has other characters
   */
  public Namespace {
    check("database", database);
    check("table", table);
  }

  /**
   * Returns the namespace options name, each name the options leave unset taken from the store.
   *
   * @param database the database of the options, or {@code null}
   * @param table the table of the options, or {@code null}
   * @param store the store whose defaults apply
   * @return the namespace
   * @throws MicroException a 400 when a name is invalid
   */
  public static Namespace resolve(@Nullable String database, @Nullable String table, Store store) {
    return new Namespace(database != null ? database : store.database(), table != null ? table : store.table());
  }

  private static void check(String what, @Nullable String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw MicroException.badRequest(StoreSupport.ID,
          "invalid %s name '%s': use 1 to 128 letters, digits, '_', '-' or '.'", what, name);
    }
  }

  @Override
  public String toString() {
    return database + "/" + table;
  }
}
