package io.reactivemicro.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Ratios between two implementations of one scenario, taken round by round.
 *
 * <p>In a round the implementations of a scenario run one after the other within a minute or two. When
 * the machine slows down for a while (a neighbour on the host takes the CPU's caches or memory bandwidth,
 * which shows as neither steal nor load), every implementation measured in that while slows down with
 * it. A ratio of two medians mixes rounds taken at different speeds; the median of the ratios within each
 * round does not, so it is the figure the goals and the agreement between two runs use.
 */
final class Ratios {

  /**
   * A ratio with the lowest and highest of its rounds.
   *
   * @param median the median of the per-round ratios (or the ratio of the medians, see {@link #of})
   * @param min the lowest per-round ratio
   * @param max the highest per-round ratio
   * @param rounds how many rounds measured both implementations; 0 when only medians were available
   */
  record Ratio(double median, double min, double max, int rounds) {}

  private Ratios() {}

  /**
   * Returns {@code ours}' figure over {@code theirs'} for a key kept round by round
   * ({@link Rounds#PER_ROUND}): the median over the rounds that measured both. Rows without per-round
   * values (a results file written before they were kept, a scenario run once) give the ratio of their
   * figures instead.
   *
   * @param ours the implementation compared
   * @param theirs the one it is compared with
   * @param key the figure, such as {@code ops_per_s}
   * @return the ratio, or {@code null} when either figure is missing or the baseline's is zero
   */
  static @Nullable Ratio of(@Nullable Row ours, @Nullable Row theirs, String key) {
    if (ours == null || theirs == null) {
      return null;
    }
    List<@Nullable Double> mine = ours.perRound(key);
    List<@Nullable Double> base = theirs.perRound(key);
    List<Double> paired = new ArrayList<>();
    for (int i = 0; i < Math.min(mine.size(), base.size()); i++) {
      Double a = mine.get(i);
      Double b = base.get(i);
      if (a != null && b != null && b != 0) {
        paired.add(a / b);
      }
    }
    if (paired.isEmpty()) {
      Double a = ours.number(key);
      Double b = theirs.number(key);
      return a == null || b == null || b == 0 ? null : new Ratio(a / b, a / b, a / b, 0);
    }
    paired.sort(null);
    int n = paired.size();
    double median = n % 2 == 1 ? paired.get(n / 2) : (paired.get(n / 2 - 1) + paired.get(n / 2)) / 2;
    return new Ratio(median, paired.get(0), paired.get(n - 1), n);
  }
}
