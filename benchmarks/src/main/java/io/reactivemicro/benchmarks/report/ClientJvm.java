package io.reactivemicro.benchmarks.report;

import io.reactivemicro.benchmarks.jmh.LoadBenchmark;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The client JVM of one implementation, which the suite keeps for the whole run: it reads commands on
 * its standard input, {@code <scenario> <round>}, runs that round of that scenario
 * ({@link LoadBenchmark#round}), writes the round's outcome and answers on its standard output with a
 * line {@value #DONE} {@code <scenario> <round> ok|failed}; {@code exit} ends it.
 *
 * <p>Keeping one JVM per implementation for every round lets the suite interleave the implementations
 * (A B C, then B C A, ...) without paying a JVM start and a cold JIT for each measurement: each
 * implementation's JVM is compiled for its own code only, and what it compiled in one round serves the
 * next, as in a real client. Each round still makes its own connections and waits for steady throughput.
 */
public final class ClientJvm {

  /** The start of the line that ends each command's output. */
  static final String DONE = "#round-done";

  private ClientJvm() {}

  /**
   * Runs rounds until told to exit.
   *
   * @param args {@code quick} or {@code full}, then the implementation
   */
  public static void main(String[] args) throws IOException {
    boolean quick = args[0].equals("quick");
    String impl = args[1];
    Duration measure = quick ? Duration.ofSeconds(1) : Duration.ofSeconds(3);
    Duration steadyLimit = quick ? Duration.ofSeconds(3) : Duration.ofSeconds(30);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null && !line.equals("exit"); line = in.readLine()) {
      String[] command = line.trim().split("\\s+");
      String scenario = command[0];
      int round = Integer.parseInt(command[1]);
      boolean ok;
      try {
        benchmark(scenario, impl).round(round, measure, steadyLimit);
        ok = true;
      } catch (Exception | LinkageError e) {
        System.err.println(scenario + " / " + impl + " round " + round + " failed: " + e);
        e.printStackTrace();
        ok = false;
      }
      System.out.println(DONE + " " + scenario + " " + round + " " + (ok ? "ok" : "failed"));
      System.out.flush();
    }
    System.exit(0);
  }

  /** Returns the scenario's benchmark, set up for the implementation as JMH's parameters would set it. */
  private static LoadBenchmark benchmark(String scenario, String impl) throws ReflectiveOperationException {
    Suite.Scenario definition = Suite.SCENARIOS.stream().filter(s -> s.name().equals(scenario)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown scenario " + scenario));
    LoadBenchmark benchmark = (LoadBenchmark) definition.benchmark().getDeclaredConstructor().newInstance();
    definition.benchmark().getField("impl").set(benchmark, impl);
    if (definition.concurrency() != null) {
      definition.benchmark().getField("concurrency").setInt(benchmark, Integer.parseInt(definition.concurrency()));
    }
    return benchmark;
  }
}
