package io.reactivemicro.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The goals, each checked against the rows of one run. */
final class Goals {

  static final long STREAM_HEAP_GOAL = 4 * 1024;
  static final long SLOW_CONSUMER_GOAL = 64L * 1024 * 1024;

  private Goals() {}

  static List<Goal> check(List<Row> rows) {
    List<Goal> goals = new ArrayList<>();
    String c64 = "request-response-c64";
    goals.add(atLeast(c64, "micro-bytes ops/s ≥ 0.85× rsocket",
        ops(rows, c64, "micro-bytes"), ops(rows, c64, "rsocket"), 0.85));
    goals.add(atLeast(c64, "micro ops/s ≥ 1.5× grpc", ops(rows, c64, "micro"), ops(rows, c64, "grpc"), 1.5));
    goals.add(atMost(c64, "micro-bytes p99 ≤ 1.3× rsocket p99",
        p99(rows, c64, "micro-bytes"), p99(rows, c64, "rsocket"), 1.3));
    goals.add(atMost(c64, "micro p99 ≤ 1.3× rsocket p99", p99(rows, c64, "micro"), p99(rows, c64, "rsocket"), 1.3));
    goals.add(atLeast("request-stream", "micro msgs/s ≥ 0.8× rsocket",
        ops(rows, "request-stream", "micro"), ops(rows, "request-stream", "rsocket"), 0.8));
    Row streams = find(rows, "streams-10k", "micro");
    Double perStream = streams == null ? null : streams.number("heap_bytes_per_stream");
    goals.add(new Goal("streams-10k", "micro retains ≤ 4 KB of server heap per open stream, with no errors",
        perStream == null ? "—" : String.format(Locale.ROOT, "%.0f B/stream, %d errors", perStream, streams.errors()),
        perStream == null ? null : perStream <= STREAM_HEAP_GOAL && streams.errors() == 0));
    Row slow = find(rows, "slow-consumer", "micro");
    Double growth = slow == null ? null : slow.number("heap_growth_bytes");
    goals.add(new Goal("slow-consumer", "micro server heap growth < 64 MB",
        growth == null ? "—" : String.format(Locale.ROOT, "%.1f MB", growth / 1024 / 1024),
        growth == null ? null : growth < SLOW_CONSUMER_GOAL && slow.errors() == 0));
    return goals;
  }

  static @Nullable Row find(List<Row> rows, String scenario, String impl) {
    for (Row row : rows) {
      if (row.scenario().equals(scenario) && row.impl().equals(impl)) {
        return row;
      }
    }
    return null;
  }

  private static @Nullable Double ops(List<Row> rows, String scenario, String impl) {
    Row row = find(rows, scenario, impl);
    return row == null ? null : row.opsPerSecond();
  }

  private static @Nullable Double p99(List<Row> rows, String scenario, String impl) {
    Row row = find(rows, scenario, impl);
    return row == null ? null : row.p99();
  }

  private static Goal atLeast(String scenario, String description, @Nullable Double ours, @Nullable Double theirs,
      double ratio) {
    if (ours == null || theirs == null || theirs == 0) {
      return new Goal(scenario, description, "—", null);
    }
    double measured = ours / theirs;
    return new Goal(scenario, description, String.format(Locale.ROOT, "%.2f×", measured), measured >= ratio);
  }

  private static Goal atMost(String scenario, String description, @Nullable Double ours, @Nullable Double theirs,
      double ratio) {
    if (ours == null || theirs == null || theirs == 0) {
      return new Goal(scenario, description, "—", null);
    }
    double measured = ours / theirs;
    return new Goal(scenario, description, String.format(Locale.ROOT, "%.2f×", measured), measured <= ratio);
  }
}
