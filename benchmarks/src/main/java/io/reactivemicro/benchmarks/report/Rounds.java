package io.reactivemicro.benchmarks.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Turns the outcomes of one scenario and implementation's rounds into one. */
final class Rounds {

  /** The figures published with their lowest and highest round beside the median. */
  static final List<String> SPREAD = List.of("ops_per_s", "p50_us", "p99_us");

  /**
   * The figures kept round by round as well, under {@code rounds_} and their name, so that an
   * implementation can be compared with another in the same round ({@link Ratios}).
   */
  static final List<String> PER_ROUND = List.of("ops_per_s", "client_cpu_us_per_op", "server_cpu_us_per_op");

  private Rounds() {}

  /**
   * Returns one outcome: each number the median of the rounds' (the mean of the middle two for an even
   * count), {@code ops_per_s}, {@code p50_us} and {@code p99_us} with their {@code _min} and {@code _max},
   * errors summed, {@code rounds} the count, {@code steady} whether every round reached steady throughput,
   * the first error's message of any round, and for each of {@link #PER_ROUND} the list of every round's
   * value under {@code rounds_} and its name, indexed by round number less one, {@code null} for a round
   * that measured nothing.
   *
   * @param outcomes the rounds' outcomes, at least one
   * @return the outcome
   */
  static Map<String, Object> median(List<Map<String, Object>> outcomes) {
    Map<String, Object> merged = new LinkedHashMap<>();
    for (Map<String, Object> outcome : outcomes) {
      outcome.forEach((key, value) -> {
        if (!(value instanceof Number) && !merged.containsKey(key)) {
          merged.put(key, value);
        }
      });
    }
    for (String key : numericKeys(outcomes)) {
      List<Double> values = new ArrayList<>();
      for (Map<String, Object> outcome : outcomes) {
        if (outcome.get(key) instanceof Number n) {
          values.add(n.doubleValue());
        }
      }
      values.sort(null);
      if (key.equals("errors")) {
        merged.put(key, Math.round(values.stream().mapToDouble(Double::doubleValue).sum()));
        continue;
      }
      if (key.equals("round")) {
        continue;
      }
      int n = values.size();
      double median = n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
      merged.put(key, round(key, median));
      if (SPREAD.contains(key)) {
        merged.put(key + "_min", round(key, values.get(0)));
        merged.put(key + "_max", round(key, values.get(n - 1)));
      }
    }
    merged.remove("round");
    for (String key : PER_ROUND) {
      List<@Nullable Object> byRound = new ArrayList<>();
      for (Map<String, Object> outcome : outcomes) {
        if (outcome.get("round") instanceof Number round && outcome.get(key) instanceof Number value) {
          while (byRound.size() < round.intValue()) {
            byRound.add(null);
          }
          byRound.set(round.intValue() - 1, round(key, value.doubleValue()));
        }
      }
      if (!byRound.isEmpty()) {
        merged.put("rounds_" + key, byRound);
      }
    }
    merged.put("rounds", outcomes.size());
    merged.put("steady", outcomes.stream().allMatch(o -> !Boolean.FALSE.equals(o.get("steady"))));
    return merged;
  }

  private static List<String> numericKeys(List<Map<String, Object>> outcomes) {
    List<String> keys = new ArrayList<>();
    for (Map<String, Object> outcome : outcomes) {
      outcome.forEach((key, value) -> {
        if (value instanceof Number && !keys.contains(key)) {
          keys.add(key);
        }
      });
    }
    return keys;
  }

  // Counts stay whole; microseconds and shares keep what the rounds had.
  private static Object round(String key, double value) {
    if (key.endsWith("_us") || key.endsWith("_per_op") && key.contains("cpu") || key.endsWith("_share")
        || key.endsWith("_s") && !key.equals("ops_per_s")) {
      return Math.round(value * 100) / 100.0;
    }
    return Math.round(value);
  }
}
