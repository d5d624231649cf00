package io.reactivemicro.plugin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings chosen without code: Go Micro's flags and environment variables, such as
 * {@code --registry=etcd --registry_address=10.0.0.1:2379} or {@code MICRO_REGISTRY=etcd}.
 *
 * <p>Keys are lower case with underscores ({@code registry}, {@code registry_address},
 * {@code store_database}). A flag {@code --store_database=x} (or {@code --store-database x}) wins over the
 * variable {@code MICRO_STORE_DATABASE}. Arguments that are not {@code --key=value} or {@code --key value}
 * pairs are left to the application. Instances are immutable.
 */
public final class Settings {

  private static final String PREFIX = "MICRO_";
  private static final Settings EMPTY = new Settings(Map.of());

  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  /** Returns settings with no values: every backend takes its embedded default. */
  public static Settings empty() {
    return EMPTY;
  }

  /**
   * Reads the {@code MICRO_*} environment variables of this process, then the flags in {@code args}.
   *
   * @param args a {@code main} method's arguments; may be empty
   * @return the settings
   */
  public static Settings fromEnvironment(String... args) {
    return of(System.getenv(), args);
  }

  /**
   * Reads {@code MICRO_*} variables from {@code environment}, then the flags in {@code args}, which win.
   *
   * @param environment variables, such as {@link System#getenv()}; those without the {@code MICRO_} prefix
   *     are ignored
   * @param args flags
   * @return the settings
   * @throws IllegalArgumentException when a flag is given twice with different values
   */
  public static Settings of(Map<String, String> environment, String... args) {
    Map<String, String> values = new LinkedHashMap<>();
    environment.forEach((name, value) -> {
      if (name.startsWith(PREFIX) && name.length() > PREFIX.length() && !value.isBlank()) {
        values.put(normalise(name.substring(PREFIX.length())), value.trim());
      }
    });
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = Objects.requireNonNull(args[i], "args");
      if (!arg.startsWith("--") || arg.length() == 2) {
        continue;
      }
      String key;
      String value;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        key = arg.substring(2, eq);
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
        key = arg.substring(2);
        value = args[++i];
      } else {
        continue;
      }
      String previous = flags.put(normalise(key), value.trim());
      if (previous != null && !previous.equals(value.trim())) {
        throw new IllegalArgumentException("flag --" + key + " is given twice: " + previous + " and " + value);
      }
    }
    values.putAll(flags);
    return new Settings(values);
  }

  /** Returns these settings with {@code key} set to {@code value}. */
  public Settings with(String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.put(normalise(key), Objects.requireNonNull(value, "value"));
    return new Settings(copy);
  }

  /**
   * Returns a value.
   *
   * @param key such as {@code registry} or {@code store_table}
   * @return the value, or empty when neither a flag nor a variable sets it
   */
  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(normalise(key)));
  }

  /**
   * Returns the addresses of a backend: {@code <kind>_address} split on commas, such as
   * {@code MICRO_REGISTRY_ADDRESS=10.0.0.1:2379,10.0.0.2:2379}.
   *
   * @param kind {@code registry}, {@code broker}, {@code stream}, {@code store} or {@code sync}
   * @return the addresses, empty when none is set
   */
  public List<String> addresses(String kind) {
    String raw = values.get(normalise(kind) + "_address");
    if (raw == null) {
      return List.of();
    }
    List<String> addresses = new ArrayList<>();
    for (String part : raw.split(",")) {
      if (!part.isBlank()) {
        addresses.add(part.trim());
      }
    }
    return List.copyOf(addresses);
  }

  /** Returns every value, by key. */
  public Map<String, String> asMap() {
    return values;
  }

  private static String normalise(String key) {
    return key.trim().toLowerCase(Locale.ROOT).replace('-', '_');
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Settings other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "Settings" + values;
  }

}
