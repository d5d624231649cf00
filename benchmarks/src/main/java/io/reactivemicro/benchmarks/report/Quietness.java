package io.reactivemicro.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How quiet the machine was over a run's measurements: the share of the machine other processes took and
 * the share the hypervisor stole during each ({@link MachineLoad}), the load average along the run, and
 * the verdict: a run with more than {@link Suite#BUSY_ROUNDS_ALLOWED} of its measurements busy is
 * invalid, and says why.
 */
final class Quietness {

  private final List<Double> foreign = new ArrayList<>();
  private final List<Double> steal = new ArrayList<>();
  private final List<String> loadDuring = new ArrayList<>();
  private int busy;
  private int unknown;

  /** Records one measurement's shares (-1 when unknown) and the load average after it. */
  void add(double foreignShare, double stealShare) {
    loadDuring.add(Environment.loadAverage());
    if (foreignShare < 0 || stealShare < 0) {
      unknown++;
      return;
    }
    foreign.add(foreignShare);
    steal.add(stealShare);
    if (foreignShare > Suite.BUSY_SHARE || stealShare > Suite.STEAL_SHARE) {
      busy++;
    }
  }

  /** Adds the figures and the verdict to the run's {@code env}. */
  void describe(Map<String, Object> env) {
    int measured = foreign.size();
    env.put("measurements", measured + unknown);
    env.put("busy_measurements", busy);
    env.put("foreign_cpu_share_max", measured == 0 ? null : round(foreign.stream().mapToDouble(d -> d).max().orElse(0)));
    env.put("foreign_cpu_share_median", measured == 0 ? null : round(median(foreign)));
    env.put("steal_share_max", measured == 0 ? null : round(steal.stream().mapToDouble(d -> d).max().orElse(0)));
    env.put("load_average_max_during", loadDuring.stream()
        .max((a, b) -> Double.compare(firstNumber(a), firstNumber(b))).orElse("unknown"));
    boolean valid = measured > 0 && busy <= Suite.BUSY_ROUNDS_ALLOWED * measured;
    env.put("valid", valid);
    if (!valid) {
      env.put("invalid_because", measured == 0 ? "the machine's CPU counters could not be read"
          : String.format(Locale.ROOT, "%d of %d measurements ran while other processes took more than %.0f%% "
              + "of the machine or the hypervisor stole more than %.0f%%", busy, measured, Suite.BUSY_SHARE * 100,
              Suite.STEAL_SHARE * 100));
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double round(double share) {
    return Math.round(share * 1000) / 1000.0;
  }

  private static double firstNumber(String loadAverage) {
    try {
      return Double.parseDouble(loadAverage.split(" ")[0]);
    } catch (RuntimeException e) {
      return -1;
    }
  }
}
