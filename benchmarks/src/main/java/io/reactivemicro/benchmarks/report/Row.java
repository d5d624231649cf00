package io.reactivemicro.benchmarks.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One result: a scenario measured on one implementation, with the fields of {@code latest.json}.
 *
 * @param scenario the scenario
 * @param impl the implementation
 * @param fields every field, in the order {@code latest.json} lists them
 */
public record Row(String scenario, String impl, Map<String, Object> fields) {

  /** Returns a number field, or {@code null}. */
  public @Nullable Double number(String key) {
    Object value = fields.get(key);
    return value instanceof Number n ? n.doubleValue() : null;
  }

  /**
   * Returns a figure's value in each round, indexed by round number less one, {@code null} for a round
   * that did not measure it; empty when the row does not keep the figure round by round.
   */
  public List<@Nullable Double> perRound(String key) {
    List<@Nullable Double> values = new ArrayList<>();
    if (fields.get("rounds_" + key) instanceof List<?> list) {
      for (Object value : list) {
        values.add(value instanceof Number n ? n.doubleValue() : null);
      }
    }
    return values;
  }

  /** Returns operations per second, or {@code null}. */
  public @Nullable Double opsPerSecond() {
    return number("ops_per_s");
  }

  /** Returns the 99th percentile latency in microseconds, or {@code null}. */
  public @Nullable Double p99() {
    return number("p99_us");
  }

  /** Returns the error count. */
  public long errors() {
    Double errors = number("errors");
    return errors == null ? 0 : errors.longValue();
  }

  /**
   * Builds a row from an outcome file, with the fields of the schema first.
   *
   * @param scenario the scenario
   * @param impl the implementation
   * @param outcome the outcome written by the client JVM
   * @return the row
   */
  static Row of(String scenario, String impl, Map<String, Object> outcome) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("scenario", scenario);
    fields.put("impl", impl);
    putIfPresent(fields, "ops_per_s", outcome.get("ops_per_s"));
    for (String key : new String[] {"p50_us", "p99_us", "p999_us", "heap_bytes_per_stream", "heap_growth_bytes"}) {
      putIfPresent(fields, key, outcome.get(key));
    }
    putIfPresent(fields, "errors", outcome.get("errors"));
    outcome.forEach((key, value) -> {
      if (!fields.containsKey(key)) {
        fields.put(key, value);
      }
    });
    return new Row(scenario, impl, fields);
  }

  private static void putIfPresent(Map<String, Object> fields, String key, @Nullable Object value) {
    if (value != null) {
      fields.put(key, value);
    }
  }
}
