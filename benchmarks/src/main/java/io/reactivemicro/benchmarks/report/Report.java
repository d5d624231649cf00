package io.reactivemicro.benchmarks.report;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes a run's results: {@code latest.json}, the Markdown table with the goals, and the charts. */
final class Report {

  static final String MARKDOWN = "results.md";
  static final String CHART_RR_THROUGHPUT = "request-response-throughput.png";
  static final String CHART_RR_P99 = "request-response-p99.png";
  static final String CHART_STREAMING = "streaming-throughput.png";
  static final String CHART_HTTP = "http-post-throughput.png";
  static final String CHART_STREAMS_HEAP = "streams-10k-heap.png";

  private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0x17becf), new Color(0xd62728),
      new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2),
      new Color(0x7f7f7f), new Color(0xbcbd22)};

  private final Map<String, Object> env;
  private final List<Row> rows;
  private final List<Goal> goals;
  private final List<String> failures;
  private final List<Suite.Scenario> scenarios;

  Report(Map<String, Object> env, List<Row> rows, List<Goal> goals, List<String> failures,
      List<Suite.Scenario> scenarios) {
    this.env = env;
    this.rows = rows;
    this.goals = goals;
    this.failures = failures;
    this.scenarios = scenarios;
  }

  void write(Path json, Path docs) throws IOException {
    Files.createDirectories(json.getParent());
    Files.createDirectories(docs);
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("env", env);
    List<Map<String, Object>> results = new ArrayList<>();
    rows.forEach(row -> results.add(row.fields()));
    document.put("results", results);
    List<Map<String, Object>> goalList = new ArrayList<>();
    for (Goal goal : goals) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("scenario", goal.scenario());
      entry.put("goal", goal.description());
      entry.put("measured", goal.measured());
      entry.put("verdict", goal.verdict());
      goalList.add(entry);
    }
    document.put("goals", goalList);
    document.put("failures", failures);
    Files.writeString(json, JSON.writeValueAsString(document) + "\n");
    Files.writeString(docs.resolve(MARKDOWN), markdown());
    try {
      charts(docs);
    } catch (RuntimeException e) {
      failures.add("charts: " + e);
      System.err.println("Could not draw the charts: " + e);
    }
  }

  /** Returns what is printed at the end of a run: the goals and the table. */
  String console() {
    return validityText() + goalsTable() + "\n" + resultsTable() + failuresText() + "\n" + costTable();
  }

  private String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmark results\n\n");
    md.append("Written by `benchmarks/run` (").append(env.get("mode")).append(" mode) on ").append(env.get("date"))
        .append(", commit `").append(env.get("commit")).append("`. How to run them and what each scenario measures: ")
        .append("[benchmarks/README.md](../../benchmarks/README.md). The raw figures: ")
        .append("[benchmarks/results/latest.json](../../benchmarks/results/latest.json).\n\n");
    md.append("Machine: ").append(env.get("cpu")).append(", ").append(env.get("cores")).append(" cores, ")
        .append(env.get("memory_gib")).append(" GiB; ").append(env.get("os")).append("; ").append(env.get("jdk"))
        .append(". Every client and server JVM: `").append(env.get("jvm_flags")).append("`. Load average ")
        .append(env.get("load_average_before")).append(" before the run, ").append(env.get("load_average_after"))
        .append(" after.\n\n");
    md.append(validityText());
    md.append("## At a glance\n\n").append(glanceTable()).append('\n');
    md.append("## Goals\n\n").append(goalsTable()).append('\n');
    md.append("## Results\n\n").append(resultsTable()).append(failuresText()).append('\n');
    md.append("Ratios (×) compare an implementation with its scenario's baseline: raw `rsocket`, or ")
        .append("`reactor-netty-http` for `http-post`. A throughput ratio is the median of the ratios within each ")
        .append("round, with the lowest and highest in brackets: the implementations of a round run one after ")
        .append("the other, so a while in which the machine ran slow falls on both sides of the ratio. Latencies are HdrHistogram percentiles in microseconds: ")
        .append("call round trips for request-response and `http-post`, each request's echo for `channel`, the gap ")
        .append("between consecutive messages for `request-stream`, the first message of each stream for ")
        .append("`streams-10k`, and each request(1) to its message for `slow-consumer`.\n\n");
    md.append("## Cost per operation\n\n");
    md.append("CPU time and allocation per operation in the client and the server JVM: the growth of their ")
        .append("Java threads' CPU time and allocated bytes over the measurement iterations (JIT compiler and ")
        .append("garbage collector threads are not counted). Other processes on the machine change these figures ")
        .append("much less than they change throughput.\n\n");
    md.append(costTable()).append('\n');
    md.append("## Charts\n\n");
    md.append("![request-response throughput](").append(CHART_RR_THROUGHPUT).append(")\n\n");
    md.append("![request-response p99 latency](").append(CHART_RR_P99).append(")\n\n");
    md.append("![request-stream and channel throughput](").append(CHART_STREAMING).append(")\n\n");
    md.append("![http-post throughput](").append(CHART_HTTP).append(")\n\n");
    md.append("![streams-10k heap per open stream](").append(CHART_STREAMS_HEAP).append(")\n");
    return md.toString();
  }

  private String goalsTable() {
    StringBuilder md = new StringBuilder("| scenario | goal | measured | verdict |\n|---|---|---|---|\n");
    for (Goal goal : goals) {
      md.append("| `").append(goal.scenario()).append("` | ").append(goal.description()).append(" | ")
          .append(goal.measured()).append(" | ")
          .append(Boolean.FALSE.equals(goal.met()) ? "**MISSED**" : goal.verdict()).append(" |\n");
    }
    return md.toString();
  }

  /** The columns of the table at a glance, each an implementation with its heading. */
  private static final List<List<String>> GLANCE_COLUMNS = List.of(List.of("micro", "micro"),
      List.of("micro-bytes", "micro-bytes"), List.of("micro-proto", "micro-proto"),
      List.of("rsocket", "rsocket (raw)"), List.of("grpc", "grpc"), List.of("grpc-proto", "grpc-proto"),
      List.of("spring-rsocket", "spring-rsocket"), List.of("reactor-netty-http", "reactor-netty-http"));

  /**
   * Returns one line per headline figure and one column per implementation: the table the project's README
   * shows.
   */
  String glanceTable() {
    StringBuilder md = new StringBuilder("| scenario |");
    GLANCE_COLUMNS.forEach(column -> md.append(' ').append(column.get(1)).append(" |"));
    md.append("\n|---|").append("---:|".repeat(GLANCE_COLUMNS.size())).append('\n');
    glanceLine(md, "request-response, 1 in flight, calls/s", "request-response-c1", "ops_per_s", "%,.0f");
    glanceLine(md, "request-response, 64 in flight, calls/s", "request-response-c64", "ops_per_s", "%,.0f");
    glanceLine(md, "request-response, 256 in flight, calls/s", "request-response-c256", "ops_per_s", "%,.0f");
    glanceLine(md, "request-response, 1 in flight, p50 µs", "request-response-c1", "p50_us", "%,.1f");
    glanceLine(md, "request-response, 64 in flight, p99 µs", "request-response-c64", "p99_us", "%,.0f");
    glanceLine(md, "request-stream, messages/s", "request-stream", "ops_per_s", "%,.0f");
    glanceLine(md, "channel (echo), messages/s", "channel", "ops_per_s", "%,.0f");
    glanceLine(md, "http-post (curl path), calls/s", "http-post", "ops_per_s", "%,.0f");
    glanceLine(md, "streams-10k, server heap per open stream", "streams-10k", "heap_bytes_per_stream", "%.0f B");
    md.append("| slow-consumer, server heap growth |");
    for (List<String> column : GLANCE_COLUMNS) {
      Row row = Goals.find(rows, "slow-consumer", column.get(0));
      Double growth = row == null ? null : row.number("heap_growth_bytes");
      md.append(growth == null ? "" : String.format(Locale.ROOT, " %.2f MB", growth / 1024 / 1024)).append(" |");
    }
    return md.append('\n').toString();
  }

  private void glanceLine(StringBuilder md, String heading, String scenario, String key, String format) {
    md.append("| ").append(heading).append(" |");
    for (List<String> column : GLANCE_COLUMNS) {
      Row row = Goals.find(rows, scenario, column.get(0));
      Double value = row == null ? null : row.number(key);
      md.append(value == null ? "" : " " + String.format(Locale.ROOT, format, value)).append(" |");
    }
    md.append('\n');
  }

  private String resultsTable() {
    StringBuilder md = new StringBuilder(
        "| scenario | impl | ops/s | ops/s × baseline | p50 µs | p99 µs | p99.9 µs | p99 × baseline | heap | errors |\n"
            + "|---|---|---:|---:|---:|---:|---:|---:|---|---:|\n");
    for (Suite.Scenario scenario : scenarios) {
      String baseline = scenario.name().equals("http-post") ? "reactor-netty-http" : "rsocket";
      Row base = Goals.find(rows, scenario.name(), baseline);
      for (String impl : scenario.impls()) {
        Row row = Goals.find(rows, scenario.name(), impl);
        if (row == null) {
          continue;
        }
        md.append("| `").append(scenario.name()).append("` | `").append(impl).append("` | ")
            .append(integer(row.opsPerSecond())).append(spread(row)).append(" | ")
            .append(row == base ? "" : pairedRatio(row, base)).append(" | ")
            .append(decimal(row.number("p50_us"))).append(" | ")
            .append(decimal(row.p99())).append(" | ")
            .append(decimal(row.number("p999_us"))).append(" | ")
            .append(ratio(row.p99(), base == null || row == base ? null : base.p99())).append(" | ")
            .append(heap(row)).append(" | ")
            .append(row.errors()).append(" |\n");
      }
    }
    return md.toString();
  }

  /** Returns the lowest and highest round beside a median, as " (min–max)", or nothing for one round. */
  private static String spread(Row row) {
    Double min = row.number("ops_per_s_min");
    Double max = row.number("ops_per_s_max");
    Double rounds = row.number("rounds");
    return min == null || max == null || rounds == null || rounds < 2 ? ""
        : " (" + integer(min) + "–" + integer(max) + ")";
  }

  /** Says how the figures were taken and whether the machine was quiet enough for them to count. */
  private String validityText() {
    StringBuilder text = new StringBuilder();
    Object rounds = env.get("rounds");
    text.append("Each throughput figure is the median of ").append(rounds).append(rounds instanceof Number n
            && n.intValue() == 1 ? " round" : " interleaved rounds, with the lowest and highest in brackets")
        .append(env.get("repeated_measurements") instanceof Number repeated && repeated.intValue() > 0
            ? "; " + repeated + " measurements during which the machine ran slow were repeated"
                + (env.get("disturbed_measurements") instanceof Number left && left.intValue() > 0
                    ? " (" + left + " still slow after " + Suite.REPEAT_PASSES + " tries are counted as measured)" : "")
            : "")
        .append(". Other processes took at most ").append(percent(env.get("foreign_cpu_share_max")))
        .append(" of the machine during a measurement (median ").append(percent(env.get("foreign_cpu_share_median")))
        .append("), the hypervisor stole at most ").append(percent(env.get("steal_share_max"))).append(".");
    if (Boolean.FALSE.equals(env.get("valid"))) {
      text.append(" **This run is invalid: ").append(env.get("invalid_because"))
          .append(". Its figures are not worth comparing.**");
    }
    return text.append("\n\n").toString();
  }

  private static String percent(@Nullable Object share) {
    return share instanceof Number n ? String.format(Locale.ROOT, "%.1f%%", n.doubleValue() * 100) : "unknown";
  }

  private String costTable() {
    StringBuilder md = new StringBuilder("| scenario | impl | client CPU µs/op | server CPU µs/op | client B/op | server B/op |\n"
        + "|---|---|---:|---:|---:|---:|\n");
    for (Suite.Scenario scenario : scenarios) {
      for (String impl : scenario.impls()) {
        Row row = Goals.find(rows, scenario.name(), impl);
        if (row == null || row.number("client_cpu_us_per_op") == null) {
          continue;
        }
        md.append("| `").append(scenario.name()).append("` | `").append(impl).append("` | ")
            .append(decimal(row.number("client_cpu_us_per_op"))).append(" | ")
            .append(decimal(row.number("server_cpu_us_per_op"))).append(" | ")
            .append(integer(row.number("client_alloc_bytes_per_op"))).append(" | ")
            .append(integer(row.number("server_alloc_bytes_per_op"))).append(" |\n");
      }
    }
    return md.toString();
  }

  private String failuresText() {
    if (failures.isEmpty()) {
      return "";
    }
    StringBuilder text = new StringBuilder("\nNot measured (the run failed):\n\n");
    failures.forEach(f -> text.append("- ").append(f).append('\n'));
    return text.toString();
  }

  private static String heap(Row row) {
    Double perStream = row.number("heap_bytes_per_stream");
    if (perStream != null) {
      Double client = row.number("client_heap_bytes_per_stream");
      return String.format(Locale.ROOT, "%.0f B/stream (client %.0f B)", perStream, client == null ? 0 : client);
    }
    Double growth = row.number("heap_growth_bytes");
    if (growth != null) {
      return String.format(Locale.ROOT, "%.2f MB growth", growth / 1024 / 1024);
    }
    return "";
  }

  private static String integer(@Nullable Double value) {
    return value == null ? "—" : String.format(Locale.ROOT, "%,.0f", value);
  }

  private static String decimal(@Nullable Double value) {
    if (value == null) {
      return "—";
    }
    return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.1f", value);
  }

  /** Returns the median of the per-round throughput ratios, with the lowest and highest beside it. */
  private static String pairedRatio(Row row, @Nullable Row base) {
    Ratios.Ratio ratio = Ratios.of(row, base, "ops_per_s");
    if (ratio == null) {
      return "";
    }
    return ratio.rounds() < 2 ? String.format(Locale.ROOT, "%.2f×", ratio.median())
        : String.format(Locale.ROOT, "%.2f× (%.2f–%.2f)", ratio.median(), ratio.min(), ratio.max());
  }

  private static String ratio(@Nullable Double value, @Nullable Double base) {
    return value == null || base == null || base == 0 ? "" : String.format(Locale.ROOT, "%.2f×", value / base);
  }

  private void charts(Path docs) throws IOException {
    List<String> concurrency = List.of("c1", "c64", "c256");
    CategoryChart throughput = chart("request-response: calls per second (higher is better)", "in-flight calls",
        "calls/s");
    CategoryChart p99 = chart("request-response: p99 latency (lower is better)", "in-flight calls", "p99 µs");
    int colour = 0;
    for (String impl : Suite.RPC) {
      List<Double> ops = new ArrayList<>();
      List<Double> latency = new ArrayList<>();
      for (String c : concurrency) {
        Row row = Goals.find(rows, "request-response-" + c, impl);
        ops.add(orZero(row == null ? null : row.opsPerSecond()));
        latency.add(orZero(row == null ? null : row.p99()));
      }
      throughput.addSeries(impl, concurrency, ops).setFillColor(PALETTE[colour % PALETTE.length]);
      p99.addSeries(impl, concurrency, latency).setFillColor(PALETTE[colour % PALETTE.length]);
      colour++;
    }
    save(throughput, docs.resolve(CHART_RR_THROUGHPUT));
    save(p99, docs.resolve(CHART_RR_P99));

    List<String> streaming = List.of("request-stream", "channel");
    CategoryChart streams = chart("request-stream and channel: messages per second (higher is better)", "scenario",
        "messages/s");
    addSeries(streams, streaming, Suite.STREAMING, Row::opsPerSecond);
    save(streams, docs.resolve(CHART_STREAMING));

    CategoryChart http = chart("http-post: calls per second, 16 connections (higher is better)", "scenario", "calls/s");
    addSeries(http, List.of("http-post"), List.of("micro", "reactor-netty-http"), Row::opsPerSecond);
    save(http, docs.resolve(CHART_HTTP));

    CategoryChart heap = chart("streams-10k: server heap per open stream (lower is better; goal ≤ 4 KB)", "scenario",
        "bytes per stream");
    addSeries(heap, List.of("streams-10k"), List.of("micro", "rsocket"), row -> row.number("heap_bytes_per_stream"));
    save(heap, docs.resolve(CHART_STREAMS_HEAP));
  }

  private void addSeries(CategoryChart chart, List<String> categories, List<String> impls,
      java.util.function.Function<Row, @Nullable Double> value) {
    for (String impl : impls) {
      List<Double> values = new ArrayList<>();
      for (String scenario : categories) {
        Row row = Goals.find(rows, scenario, impl);
        values.add(orZero(row == null ? null : value.apply(row)));
      }
      int colour = Suite.RPC.indexOf(impl);
      chart.addSeries(impl, categories, values).setFillColor(PALETTE[colour < 0 ? 0 : colour % PALETTE.length]);
    }
  }

  private static double orZero(@Nullable Double value) {
    return value == null ? 0 : value;
  }

  private CategoryChart chart(String title, String xTitle, String yTitle) {
    CategoryChart chart = new CategoryChartBuilder().width(960).height(520).title(title)
        .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    chart.getStyler()
        .setLegendPosition(Styler.LegendPosition.OutsideE)
        .setChartBackgroundColor(Color.WHITE)
        .setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    chart.getStyler().setYAxisDecimalPattern("#,###");
    chart.getStyler().setPlotGridVerticalLinesVisible(false);
    return chart;
  }

  private static void save(CategoryChart chart, Path file) {
    try {
      BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
