package io.reactivemicro.benchmarks.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a client JVM hands the suite: latency percentiles, errors, cost per operation and heap
 * figures, as a JSON file named after the scenario and implementation in the {@code bench.out} folder.
 */
public final class Outcome {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Map<String, Object> fields = new LinkedHashMap<>();

  /**
   * Starts an outcome.
   *
   * @param scenario the scenario
   * @param impl the implementation
   */
  public Outcome(String scenario, String impl) {
    fields.put("scenario", scenario);
    fields.put("impl", impl);
  }

  /** Adds a field. */
  public Outcome put(String key, @Nullable Object value) {
    if (value != null) {
      fields.put(key, value);
    }
    return this;
  }

  /** Adds the percentiles of a histogram of nanoseconds, in microseconds. */
  public Outcome latencies(Histogram nanos) {
    if (nanos.getTotalCount() == 0) {
      return this;
    }
    put("p50_us", micros(nanos.getValueAtPercentile(50.0)));
    put("p99_us", micros(nanos.getValueAtPercentile(99.0)));
    put("p999_us", micros(nanos.getValueAtPercentile(99.9)));
    put("max_us", micros(nanos.getMaxValue()));
    put("samples", nanos.getTotalCount());
    return this;
  }

  /** Adds the error count and the first error's message. */
  public Outcome errors(long count, @Nullable Throwable first) {
    put("errors", count);
    if (first != null) {
      put("first_error", first.toString());
    }
    return this;
  }

  private static double micros(long nanos) {
    return Math.round(nanos / 100.0) / 10.0;
  }

  /** Writes the outcome into the {@code bench.out} folder. */
  public void write() {
    Path folder = folder();
    try {
      Files.createDirectories(folder);
      Object round = fields.get("round");
      Path file = folder.resolve(fields.get("scenario") + "__" + fields.get("impl")
          + (round == null ? "" : "__r" + round) + ".json");
      Files.writeString(file, JSON.writeValueAsString(fields));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Adds a field to an outcome already written.
   *
   * @param scenario the scenario
   * @param impl the implementation
   * @param key the field
   * @param value its value
   * @throws IllegalStateException when there is no such outcome
   */
  public static void add(String scenario, String impl, String key, Object value) {
    Map<String, Object> fields = read(scenario, impl);
    if (fields.isEmpty()) {
      throw new IllegalStateException("no outcome of " + scenario + " / " + impl);
    }
    Outcome outcome = new Outcome(scenario, impl);
    outcome.fields.putAll(fields);
    outcome.put(key, value).write();
  }

  /** Returns the folder outcomes are written to. */
  public static Path folder() {
    return Path.of(System.getProperty("bench.out", "target/bench-out"));
  }

  /**
   * Reads an outcome written by {@link #write()}.
   *
   * @param scenario the scenario
   * @param impl the implementation
   * @return its fields, empty when there is none
   */
  public static Map<String, Object> read(String scenario, String impl) {
    return read(folder().resolve(scenario + "__" + impl + ".json"));
  }

  /**
   * Reads the outcome of one round of a scenario, written by {@link #write()} with a {@code round} field.
   *
   * @param scenario the scenario
   * @param impl the implementation
   * @param round the round
   * @return its fields, empty when there is none
   */
  public static Map<String, Object> read(String scenario, String impl, int round) {
    return read(folder().resolve(scenario + "__" + impl + "__r" + round + ".json"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> read(Path file) {
    if (!Files.exists(file)) {
      return Map.of();
    }
    try {
      return JSON.readValue(Files.readString(file), Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
