package io.reactivemicro.benchmarks.report;

import io.reactivemicro.benchmarks.jmh.ChannelBenchmark;
import io.reactivemicro.benchmarks.jmh.HttpPostBenchmark;
import io.reactivemicro.benchmarks.jmh.LoadBenchmark;
import io.reactivemicro.benchmarks.jmh.RequestResponseBenchmark;
import io.reactivemicro.benchmarks.jmh.RequestStreamBenchmark;
import io.reactivemicro.benchmarks.load.Outcome;
import io.reactivemicro.benchmarks.memory.SlowConsumer;
import io.reactivemicro.benchmarks.memory.Streams10k;
import io.reactivemicro.benchmarks.server.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Runs the suite, then writes {@code benchmarks/results/latest.json}, {@code docs/benchmarks/results.md}
 * and the charts beside it, and prints the results with the goals.
 *
 * <pre>
 * benchmarks/run [--quick] [--rounds N] [--only REGEX] [--impl micro,rsocket,...] [--jfr DIR]
 * </pre>
 *
 * <p>Each throughput figure is the median of {@code --rounds} rounds (5 by default; 1 with
 * {@code --quick}, a smoke check that every scenario runs), with the lowest and highest beside it, and
 * each ratio between two implementations the median of their ratios within a round ({@link Ratios}). In
 * a round every scenario runs once on each implementation, the implementations interleaved and their
 * order rotated from round to round (A B C, B C A, C A B, ...), so that a slow minute of the machine
 * falls on all of them alike; each implementation keeps one client JVM for the whole run
 * ({@link ClientJvm}), and each measurement starts once its throughput is steady. After the rounds, a
 * full run measures again, up to {@link #REPEAT_PASSES} times, each round during which the machine ran
 * slow ({@link Disturbance}), and counts the new measurement in its place. Around every measurement the
 * suite samples how much of the machine other processes took and how much the hypervisor stole
 * ({@link MachineLoad}); a run in which that exceeded {@link #BUSY_SHARE} or {@link #STEAL_SHARE} in more
 * than {@link #BUSY_ROUNDS_ALLOWED} of its measurements marks itself invalid.
 *
 * <p>{@code --only} keeps the scenarios whose names match, {@code --impl} the implementations listed; a
 * partial run writes its files under {@code benchmarks/target/partial} rather than over the published
 * results. {@code --jfr} records every client and server JVM with Flight Recorder into that folder.
 */
public final class Suite {

  /** A scenario, the implementations it compares, and how it runs. */
  record Scenario(String name, List<String> impls, @Nullable Class<?> benchmark, @Nullable String concurrency) {}

  static final List<String> RPC = List.of("micro", "micro-bytes", "rsocket", "grpc", "reactor-netty-http",
      "micro-proto", "grpc-proto", "spring-rsocket");
  static final List<String> STREAMING = List.of("micro", "micro-bytes", "rsocket", "grpc", "micro-proto", "grpc-proto",
      "spring-rsocket");

  static final List<Scenario> SCENARIOS = List.of(
      new Scenario("request-response-c1", RPC, RequestResponseBenchmark.class, "1"),
      new Scenario("request-response-c64", RPC, RequestResponseBenchmark.class, "64"),
      new Scenario("request-response-c256", RPC, RequestResponseBenchmark.class, "256"),
      new Scenario("request-stream", STREAMING, RequestStreamBenchmark.class, null),
      new Scenario("channel", STREAMING, ChannelBenchmark.class, null),
      new Scenario("streams-10k", List.of("micro", "rsocket"), null, null),
      new Scenario("slow-consumer", List.of("micro"), null, null),
      new Scenario("http-post", List.of("micro", "reactor-netty-http"), HttpPostBenchmark.class, null));

  /** The share of the machine that other processes may take during a measurement before it counts as busy. */
  static final double BUSY_SHARE = 0.10;

  /** The share of the machine's time the hypervisor may steal during a measurement before it counts as busy. */
  static final double STEAL_SHARE = 0.05;

  /** The share of a run's measurements that may be busy before the run is invalid. */
  static final double BUSY_ROUNDS_ALLOWED = 0.05;

  /** How many times a full run measures again the rounds the machine slowed down ({@link Disturbance}). */
  static final int REPEAT_PASSES = 2;

  private final boolean quick;
  private final int rounds;
  private final Pattern only;
  private final @Nullable List<String> impls;
  private final @Nullable Path jfr;
  private final Path root;
  private final Path out;
  private final Map<String, ServerProcess> servers = new LinkedHashMap<>();
  private int repeated;
  private int stillSlowed;

  private Suite(String[] args) {
    boolean quickFlag = false;
    Integer roundCount = null;
    String onlyRegex = ".*";
    List<String> implList = null;
    Path jfrDir = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quickFlag = true;
        case "--rounds" -> roundCount = Integer.parseInt(args[++i]);
        case "--only" -> onlyRegex = args[++i];
        case "--impl" -> implList = List.of(args[++i].split(","));
        case "--jfr" -> jfrDir = Path.of(args[++i]).toAbsolutePath();
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; use --quick, --rounds N, --only REGEX, --impl LIST, --jfr DIR");
      }
    }
    this.quick = quickFlag;
    this.rounds = roundCount != null ? roundCount : quickFlag ? 1 : 5;
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be at least 1");
    }
    this.only = Pattern.compile(onlyRegex);
    this.impls = implList;
    this.jfr = jfrDir;
    this.root = Path.of(System.getProperty("bench.root", "..")).toAbsolutePath().normalize();
    this.out = root.resolve("benchmarks/target/bench-out");
  }

  /**
   * Runs the suite.
   *
   * @param args see the class description
   */
  public static void main(String[] args) throws Exception {
    new Suite(args).run();
    System.exit(0);
  }

  private void run() throws IOException, InterruptedException {
    long start = System.nanoTime();
    deleteRecursively(out);
    Files.createDirectories(out);
    if (jfr != null) {
      Files.createDirectories(jfr);
      System.setProperty("bench.jfr", jfr.toString());
    }
    System.setProperty("bench.out", out.toString());
    String loadBefore = Environment.loadAverage();
    Quietness quietness = new Quietness();

    List<Row> rows = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    List<Scenario> selected = selected();
    try {
      startServers(selected);
      rows.addAll(rounds(selected, failures, quietness));
    } finally {
      servers.values().forEach(ServerProcess::close);
      servers.clear();
    }
    for (Scenario scenario : selected) {
      if (scenario.benchmark() == null) {
        rows.addAll(forked(scenario, failures));
      }
    }

    boolean partial = !only.pattern().equals(".*") || impls != null;
    Map<String, Object> env = Environment.describe(quick, loadBefore, Duration.ofNanos(System.nanoTime() - start));
    env.put("rounds", rounds);
    env.put("repeated_measurements", repeated);
    env.put("disturbed_measurements", stillSlowed);
    quietness.describe(env);
    List<Goal> goals = Goals.check(rows);
    Report report = new Report(env, rows, goals, failures, SCENARIOS);
    Path json = partial ? root.resolve("benchmarks/target/partial/latest.json") : root.resolve("benchmarks/results/latest.json");
    Path docs = partial ? root.resolve("benchmarks/target/partial") : root.resolve("docs/benchmarks");
    // A full run keeps the previous full run beside it, and says whether the two agree.
    Path previous = json.resolveSibling("previous.json");
    boolean comparable = !partial && !quick && Files.exists(json) && "full".equals(Agreement.mode(json));
    if (comparable) {
      Files.move(json, previous, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    report.write(json, docs);
    System.out.println();
    System.out.println(report.console());
    if (comparable) {
      List<String> lines = new ArrayList<>();
      Agreement.compare(Agreement.read(previous), rows, lines);
      System.out.println("Against the previous full run (" + root.relativize(previous) + "):");
      lines.forEach(System.out::println);
    }
    System.out.println("Wrote " + root.relativize(json) + ", " + root.relativize(docs.resolve(Report.MARKDOWN))
        + " and the charts beside it, in " + Duration.ofNanos(System.nanoTime() - start).toSeconds() + " s.");
  }

  /**
   * Starts one server JVM per server implementation the JMH scenarios need, shared by their benchmarks.
   * The heap scenarios start their own, so that nothing else has run in the heap they measure.
   */
  private void startServers(List<Scenario> selected) {
    for (Scenario scenario : selected) {
      if (scenario.benchmark() == null) {
        continue;
      }
      for (String impl : scenario.impls()) {
        String server = LoadBenchmark.serverOf(impl);
        servers.computeIfAbsent(server, s -> ServerProcess.start(s, "shared"));
      }
    }
  }

  private List<Scenario> selected() {
    List<Scenario> chosen = new ArrayList<>();
    for (Scenario scenario : SCENARIOS) {
      if (!only.matcher(scenario.name()).matches()) {
        continue;
      }
      List<String> list = impls == null ? scenario.impls()
          : scenario.impls().stream().filter(impls::contains).toList();
      if (!list.isEmpty()) {
        chosen.add(new Scenario(scenario.name(), list, scenario.benchmark(), scenario.concurrency()));
      }
    }
    return chosen;
  }

  /**
   * Runs the throughput scenarios in interleaved rounds: one client JVM per implementation, kept for the
   * whole run, told which scenario and round to run next; then takes each figure's median over the rounds.
   */
  private List<Row> rounds(List<Scenario> selected, List<String> failures, Quietness quietness)
      throws IOException, InterruptedException {
    Map<String, ClientProcess> clients = new LinkedHashMap<>();
    try {
      for (Scenario scenario : selected) {
        if (scenario.benchmark() == null) {
          continue;
        }
        for (String impl : scenario.impls()) {
          if (!clients.containsKey(impl)) {
            List<String> command = javaCommand("client-" + impl);
            servers.forEach((server, process) -> command.add(2, "-D" + LoadBenchmark.portProperty(server) + "="
                + process.port() + "," + process.controlPort()));
            command.add(ClientJvm.class.getName());
            command.add(quick ? "quick" : "full");
            command.add(impl);
            clients.put(impl, ClientProcess.start(impl, command));
          }
        }
      }
      List<Long> pids = new ArrayList<>();
      pids.add(ProcessHandle.current().pid());
      servers.values().forEach(server -> pids.add(server.pid()));
      clients.values().forEach(client -> pids.add(client.pid()));
      Map<String, Map<Integer, Map<String, Object>>> outcomes = new LinkedHashMap<>();
      for (int round = 1; round <= rounds; round++) {
        System.out.println("# round " + round + " of " + rounds);
        for (Scenario scenario : selected) {
          if (scenario.benchmark() == null) {
            continue;
          }
          for (String impl : rotated(scenario.impls(), round - 1)) {
            Map<String, Object> measured = measure(clients.get(impl), scenario.name(), impl, round, pids, quietness);
            if (measured == null) {
              failures.add(scenario.name() + " / " + impl + " round " + round
                  + ": the benchmark failed; see its output above");
              continue;
            }
            outcomes.computeIfAbsent(scenario.name() + "\n" + impl, k -> new TreeMap<>()).put(round, measured);
          }
        }
      }
      int repeated = 0;
      for (int pass = 1; pass <= (quick ? 0 : REPEAT_PASSES); pass++) {
        List<Slowed> slowed = slowed(selected, outcomes);
        if (slowed.isEmpty()) {
          break;
        }
        System.out.println("# the machine ran slow during " + slowed.size() + " measurements; measuring them again ("
            + pass + " of " + REPEAT_PASSES + ")");
        for (Slowed which : slowed) {
          Map<String, Object> measured = measure(clients.get(which.impl()), which.scenario(), which.impl(),
              which.round(), pids, quietness);
          if (measured != null) {
            measured.put("repeated", pass);
            outcomes.get(which.scenario() + "\n" + which.impl()).put(which.round(), measured);
            repeated++;
          }
        }
      }
      this.repeated = repeated;
      this.stillSlowed = quick ? 0 : slowed(selected, outcomes).size();
      List<Row> rows = new ArrayList<>();
      for (Scenario scenario : selected) {
        if (scenario.benchmark() == null) {
          continue;
        }
        for (String impl : scenario.impls()) {
          Map<Integer, Map<String, Object>> measured = outcomes.get(scenario.name() + "\n" + impl);
          if (measured != null) {
            Map<String, Object> median = Rounds.median(new ArrayList<>(measured.values()));
            median.put("repeated", measured.values().stream().filter(o -> o.containsKey("repeated")).count());
            rows.add(Row.of(scenario.name(), impl, median));
          }
        }
      }
      return rows;
    } finally {
      clients.values().forEach(ClientProcess::close);
    }
  }

  /**
   * Measures one round of a scenario on an implementation, noting how busy the machine was meanwhile.
   *
   * @return the outcome, with {@code foreign_cpu_share}, or {@code null} when the benchmark failed
   */
  private @Nullable Map<String, Object> measure(ClientProcess client, String scenario, String impl, int round,
      List<Long> pids, Quietness quietness) throws IOException, InterruptedException {
    MachineLoad before = MachineLoad.sample(pids);
    boolean ok = client.run(scenario, round, Duration.ofMinutes(3));
    MachineLoad after = MachineLoad.sample(pids);
    quietness.add(after.foreignShareSince(before), after.stealShareSince(before));
    Map<String, Object> outcome = Outcome.read(scenario, impl, round);
    if (!ok || outcome.get("ops_per_s") == null) {
      return null;
    }
    Map<String, Object> measured = new LinkedHashMap<>(outcome);
    measured.put("foreign_cpu_share", Math.round(after.foreignShareSince(before) * 1000) / 1000.0);
    return measured;
  }

  /** A measurement the machine slowed down: a round of a scenario on an implementation. */
  private record Slowed(String scenario, String impl, int round) {}

  /** Returns each measurement the machine slowed down ({@link Disturbance}). */
  private static List<Slowed> slowed(List<Scenario> selected, Map<String, Map<Integer, Map<String, Object>>> outcomes) {
    List<Slowed> slowed = new ArrayList<>();
    for (Scenario scenario : selected) {
      for (String impl : scenario.impls()) {
        Map<Integer, Map<String, Object>> measured = outcomes.get(scenario.name() + "\n" + impl);
        if (measured != null) {
          Disturbance.slowed(measured).forEach(round -> slowed.add(new Slowed(scenario.name(), impl, round)));
        }
      }
    }
    return slowed;
  }

  /** Returns the list turned left by {@code by} places: A B C by 1 is B C A. */
  static <T> List<T> rotated(List<T> list, int by) {
    List<T> turned = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      turned.add(list.get((i + by) % list.size()));
    }
    return turned;
  }

  /** Returns the start of a command that runs a class in a JVM with the benchmarks' flags. */
  private List<String> javaCommand(String recordingName) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ServerProcess.JVM_FLAGS);
    command.add("-Dbench.out=" + out);
    if (jfr != null) {
      command.add("-Dbench.jfr=" + jfr);
      command.add("-XX:StartFlightRecording=settings=profile,filename=" + jfr.resolve(recordingName + ".jfr"));
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    return command;
  }

  /** Runs a command with the suite's output, and says whether it ended well in time. */
  private static boolean run(List<String> command, Duration timeout) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).inheritIO().start();
    boolean finished = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
    if (!finished) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      return false;
    }
    return process.exitValue() == 0;
  }

  /** Runs a scenario outside JMH, in a JVM of its own with the same fixed heap as the benchmarks. */
  private List<Row> forked(Scenario scenario, List<String> failures) throws IOException, InterruptedException {
    List<Row> rows = new ArrayList<>();
    for (String impl : scenario.impls()) {
      List<String> command = javaCommand("client-" + scenario.name() + "-" + impl);
      if (scenario.name().equals("streams-10k")) {
        command.add(Streams10k.class.getName());
        command.add(impl);
      } else {
        command.add(SlowConsumer.class.getName());
        command.add(String.valueOf(quick ? 8 : 30));
      }
      System.out.println("# " + scenario.name() + " / " + impl);
      boolean ok = run(command, Duration.ofMinutes(5));
      Map<String, Object> outcome = Outcome.read(scenario.name(), impl);
      if (!ok || outcome.isEmpty()) {
        failures.add(scenario.name() + " / " + impl + ": the run failed; see its output above");
        continue;
      }
      System.out.println("  " + outcome);
      rows.add(Row.of(scenario.name(), impl, outcome));
    }
    return rows;
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
