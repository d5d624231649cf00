package io.reactivemicro.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The goals, each checked against the rows of one run. */
final class Goals {

  /** Server heap per open stream in {@code streams-10k}, in bytes. */
  static final long STREAM_HEAP_GOAL = 400;

  /** Server heap growth under the slow consumer, in bytes. */
  static final long SLOW_CONSUMER_GOAL = 64L * 1024 * 1024;

  /** How far {@code micro-bytes}' p50 may lie above raw RSocket's at one call in flight, in microseconds. */
  static final double C1_P50_GOAL_US = 10;

  /** How many more bytes a request-response call may allocate than raw RSocket's, on each side. */
  static final double ALLOCATION_GOAL_BYTES = 300;

  private Goals() {}

  /**
   * Checks the goals against a run's rows: a throughput goal against the median of the ratios within each
   * round ({@link Ratios}), the others against the median of the run's rounds. A goal whose rows are
   * missing is not measured.
   */
  static List<Goal> check(List<Row> rows) {
    List<Goal> goals = new ArrayList<>();
    String c64 = "request-response-c64";
    goals.add(ratio(rows, c64, "micro-bytes", "rsocket", 0.95));
    goals.add(ratio(rows, c64, "micro", "rsocket", 0.75));
    goals.add(ratio(rows, c64, "micro-proto", "grpc-proto", 2.0));
    goals.add(ratio(rows, c64, "micro", "spring-rsocket", 1.5));
    for (String streaming : List.of("request-stream", "channel")) {
      goals.add(ratio(rows, streaming, "micro-bytes", "rsocket", 0.9));
      goals.add(ratio(rows, streaming, "micro", "grpc", 1.0));
      goals.add(ratio(rows, streaming, "micro-proto", "grpc-proto", 1.0));
    }
    String c1 = "request-response-c1";
    Double ours = number(rows, c1, "micro-bytes", "p50_us");
    Double raw = number(rows, c1, "rsocket", "p50_us");
    goals.add(new Goal(c1, "micro-bytes p50 within " + (int) C1_P50_GOAL_US + " µs of rsocket's",
        ours == null || raw == null ? "—" : String.format(Locale.ROOT, "%+.1f µs", ours - raw),
        ours == null || raw == null ? null : ours - raw <= C1_P50_GOAL_US));
    goals.add(ratio(rows, "http-post", "micro", "reactor-netty-http", 1.0));
    Row streams = find(rows, "streams-10k", "micro");
    Double perStream = streams == null ? null : streams.number("heap_bytes_per_stream");
    goals.add(new Goal("streams-10k", "micro retains ≤ " + STREAM_HEAP_GOAL + " B of server heap per open stream, "
        + "with no errors",
        perStream == null ? "—" : String.format(Locale.ROOT, "%.0f B/stream, %d errors", perStream, streams.errors()),
        perStream == null ? null : perStream <= STREAM_HEAP_GOAL && streams.errors() == 0));
    for (String side : List.of("client", "server")) {
      String key = side + "_alloc_bytes_per_op";
      Double micro = number(rows, c64, "micro", key);
      Double rsocket = number(rows, c64, "rsocket", key);
      goals.add(new Goal(c64, "micro allocates ≤ " + (int) ALLOCATION_GOAL_BYTES + " B per call more than rsocket, "
          + side,
          micro == null || rsocket == null ? "—"
              : String.format(Locale.ROOT, "%+.0f B (%.0f against %.0f)", micro - rsocket, micro, rsocket),
          micro == null || rsocket == null ? null : micro - rsocket <= ALLOCATION_GOAL_BYTES));
    }
    Row slow = find(rows, "slow-consumer", "micro");
    Double growth = slow == null ? null : slow.number("heap_growth_bytes");
    goals.add(new Goal("slow-consumer", "micro server heap growth < 64 MB",
        growth == null ? "—" : String.format(Locale.ROOT, "%.1f MB", growth / 1024 / 1024),
        growth == null ? null : growth < SLOW_CONSUMER_GOAL && slow.errors() == 0));
    return goals;
  }

  private static Goal ratio(List<Row> rows, String scenario, String ours, String theirs, double goal) {
    String unit = scenario.startsWith("request-response") || scenario.equals("http-post") ? "ops/s" : "msgs/s";
    String description = ours + " " + unit + " ≥ " + goal + "× " + theirs;
    Ratios.Ratio ratio = Ratios.of(find(rows, scenario, ours), find(rows, scenario, theirs), "ops_per_s");
    if (ratio == null) {
      return new Goal(scenario, description, "—", null);
    }
    String measured = ratio.rounds() < 2 ? String.format(Locale.ROOT, "%.2f×", ratio.median())
        : String.format(Locale.ROOT, "%.2f× (%.2f–%.2f)", ratio.median(), ratio.min(), ratio.max());
    return new Goal(scenario, description, measured, ratio.median() >= goal);
  }

  private static @Nullable Double number(List<Row> rows, String scenario, String impl, String key) {
    Row row = find(rows, scenario, impl);
    return row == null ? null : row.number(key);
  }

  static @Nullable Row find(List<Row> rows, String scenario, String impl) {
    for (Row row : rows) {
      if (row.scenario().equals(scenario) && row.impl().equals(impl)) {
        return row;
      }
    }
    return null;
  }
}
