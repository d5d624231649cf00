package io.reactivemicro.benchmarks.report;

import io.reactivemicro.benchmarks.load.Outcome;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The client JVM of one implementation: runs that implementation's JMH benchmarks, scenario after
 * scenario, inside this JVM, and adds JMH's throughput to each scenario's outcome file.
 *
 * <p>The suite starts one of these per implementation, with the same flags as the servers, rather than
 * one JMH fork per benchmark: each implementation still has a JVM of its own, compiled for its own
 * code only, and its code compiled in one scenario serves the next, as in a real client; the suite
 * saves twenty JVM starts and warm-ups, which is what lets every scenario fit in the quick run's three
 * minutes.
 */
public final class ClientJvm {

  private ClientJvm() {}

  /**
   * Runs the benchmarks.
   *
   * @param args {@code quick} or {@code full}, the implementation, then the scenarios in order
   */
  public static void main(String[] args) {
    boolean quick = args[0].equals("quick");
    String impl = args[1];
    List<String> failed = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      String scenario = args[i];
      Suite.Scenario definition = Suite.SCENARIOS.stream().filter(s -> s.name().equals(scenario)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("unknown scenario " + scenario));
      ChainedOptionsBuilder options = new OptionsBuilder()
          .include(Pattern.quote(definition.benchmark().getName()) + "\\..*")
          .param("impl", impl)
          .forks(0)
          .warmupIterations(quick ? 1 : 2)
          .warmupTime(TimeValue.seconds(quick ? 1 : 3))
          .measurementIterations(quick ? 1 : 3)
          .measurementTime(TimeValue.seconds(quick ? 2 : 4))
          .timeout(TimeValue.seconds(90))
          .shouldFailOnError(false)
          .verbosity(VerboseMode.NORMAL);
      if (definition.concurrency() != null) {
        options.param("concurrency", definition.concurrency());
      }
      try {
        Collection<RunResult> results = new Runner(options.build()).run();
        RunResult result = results.stream().findFirst().orElse(null);
        if (result == null || result.getPrimaryResult() == null) {
          failed.add(scenario);
          continue;
        }
        Outcome.add(scenario, impl, "ops_per_s", Math.round(result.getPrimaryResult().getScore()));
      } catch (RunnerException | RuntimeException e) {
        System.err.println(scenario + " / " + impl + " failed: " + e);
        failed.add(scenario);
      }
    }
    System.exit(failed.isEmpty() ? 0 : 1);
  }
}
