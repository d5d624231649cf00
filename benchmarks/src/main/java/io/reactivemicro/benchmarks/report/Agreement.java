package io.reactivemicro.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Compares the ratios of two runs: for every scenario and implementation measured in both, its
 * throughput over its scenario's baseline (raw {@code rsocket}, or {@code reactor-netty-http} for
 * {@code http-post}), and its CPU time per operation over the baseline's on each side, each the median
 * of the ratios within a round ({@link Ratios}). Two full runs in a row of a sound method agree within
 * {@link #TOLERANCE} on each.
 *
 * <pre>
 * java ... io.reactivemicro.benchmarks.report.Agreement benchmarks/results/previous.json benchmarks/results/latest.json
 * </pre>
 */
public final class Agreement {

  /** How far apart, relatively, two runs' ratios may be. */
  static final double TOLERANCE = 0.10;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Agreement() {}

  /**
   * Compares two results files and prints every ratio; exits with 1 when one differs by more than
   * {@link #TOLERANCE}.
   *
   * @param args the earlier and the later {@code latest.json}
   */
  public static void main(String[] args) throws IOException {
    List<String> lines = new ArrayList<>();
    int disagreements = compare(read(Path.of(args[0])), read(Path.of(args[1])), lines);
    lines.forEach(System.out::println);
    System.exit(disagreements == 0 ? 0 : 1);
  }

  /**
   * Compares two runs' rows.
   *
   * @param earlier the earlier run's rows
   * @param later the later run's rows
   * @param lines receives a table of the ratios, then a verdict
   * @return how many ratios differ by more than {@link #TOLERANCE}
   */
  static int compare(List<Row> earlier, List<Row> later, List<String> lines) {
    lines.add("| scenario | impl | ratio | earlier | later | difference |");
    lines.add("|---|---|---|---:|---:|---:|");
    int compared = 0;
    int disagreements = 0;
    for (Row row : later) {
      String baseline = row.scenario().equals("http-post") ? "reactor-netty-http" : "rsocket";
      if (row.impl().equals(baseline)) {
        continue;
      }
      for (String key : List.of("ops_per_s", "client_cpu_us_per_op", "server_cpu_us_per_op")) {
        Double before = ratio(earlier, row.scenario(), row.impl(), baseline, key);
        Double now = ratio(later, row.scenario(), row.impl(), baseline, key);
        if (before == null || now == null) {
          continue;
        }
        compared++;
        double difference = now / before - 1;
        boolean agrees = Math.abs(difference) <= TOLERANCE;
        if (!agrees) {
          disagreements++;
        }
        lines.add(String.format(Locale.ROOT, "| `%s` | `%s` | %s × %s | %.3f | %.3f | %+.1f%%%s |", row.scenario(),
            row.impl(), key, baseline, before, now, difference * 100, agrees ? "" : " **over**"));
      }
    }
    lines.add(compared == 0 ? "No ratio was measured in both runs."
        : disagreements == 0
            ? String.format(Locale.ROOT, "The runs agree within %.0f%% on all %d ratios.", TOLERANCE * 100, compared)
            : String.format(Locale.ROOT, "%d of %d ratios differ by more than %.0f%%.", disagreements, compared,
                TOLERANCE * 100));
    return disagreements;
  }

  private static @Nullable Double ratio(List<Row> rows, String scenario, String impl, String baseline, String key) {
    Ratios.Ratio ratio = Ratios.of(Goals.find(rows, scenario, impl), Goals.find(rows, scenario, baseline), key);
    return ratio == null ? null : ratio.median();
  }

  /**
   * Reads the rows of a results file.
   *
   * @param file a {@code latest.json}
   * @return its rows
   */
  @SuppressWarnings("unchecked")
  static List<Row> read(Path file) throws IOException {
    Map<String, Object> document = JSON.readValue(Files.readString(file), Map.class);
    List<Row> rows = new ArrayList<>();
    for (Map<String, Object> fields : (List<Map<String, Object>>) document.get("results")) {
      rows.add(new Row((String) fields.get("scenario"), (String) fields.get("impl"), fields));
    }
    return rows;
  }

  /**
   * Returns the mode ({@code full} or {@code quick}) of a results file, or {@code null} when unreadable.
   *
   * @param file a {@code latest.json}
   * @return its mode
   */
  @SuppressWarnings("unchecked")
  static @Nullable String mode(Path file) {
    try {
      Map<String, Object> document = JSON.readValue(Files.readString(file), Map.class);
      return (String) ((Map<String, Object>) document.get("env")).get("mode");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
