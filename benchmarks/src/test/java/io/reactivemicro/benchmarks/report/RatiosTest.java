package io.reactivemicro.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RatiosTest {

  @Test
  void takesTheMedianOfTheRatiosWithinEachRound() {
    // Rounds 2 and 3 ran slow for both; the medians of the figures alone would say the two are equal.
    Row ours = row("micro", 100, 50, 50, 100, 100);
    Row theirs = row("rsocket", 200, 100, 100, 200, 100);

    Ratios.Ratio ratio = Ratios.of(ours, theirs, "ops_per_s");

    assertThat(ours.number("ops_per_s")).isEqualTo(100.0);
    assertThat(theirs.number("ops_per_s")).isEqualTo(100.0);
    assertThat(ratio).isNotNull();
    assertThat(ratio.median()).isCloseTo(0.5, within(1e-9));
    assertThat(ratio.min()).isCloseTo(0.5, within(1e-9));
    assertThat(ratio.max()).isCloseTo(1.0, within(1e-9));
    assertThat(ratio.rounds()).isEqualTo(5);
  }

  @Test
  void pairsOnlyTheRoundsThatMeasuredBoth() {
    Row ours = row("micro", 90, null, 80, 70);
    Row theirs = row("rsocket", 100, 100, null, 100);

    Ratios.Ratio ratio = Ratios.of(ours, theirs, "ops_per_s");

    assertThat(ours.perRound("ops_per_s")).containsExactly(90.0, null, 80.0, 70.0);
    assertThat(ratio).isNotNull();
    assertThat(ratio.rounds()).isEqualTo(2);
    assertThat(ratio.median()).isCloseTo(0.8, within(1e-9));
  }

  @Test
  void fallsBackToTheFiguresWithoutRoundByRoundValues() {
    Row ours = new Row("request-response-c64", "micro", Map.of("ops_per_s", 150));
    Row theirs = new Row("request-response-c64", "rsocket", Map.of("ops_per_s", 300));

    Ratios.Ratio ratio = Ratios.of(ours, theirs, "ops_per_s");

    assertThat(ratio).isNotNull();
    assertThat(ratio.median()).isEqualTo(0.5);
    assertThat(ratio.rounds()).isZero();
    assertThat(Ratios.of(ours, null, "ops_per_s")).isNull();
    assertThat(Ratios.of(ours, new Row("request-response-c64", "rsocket", Map.of("ops_per_s", 0)), "ops_per_s"))
        .isNull();
  }

  @Test
  void runsThatAgreeRoundByRoundAgreeThoughTheirMediansMoved() {
    List<Row> earlier = List.of(row("micro", 100, 100, 100, 100, 100), row("rsocket", 200, 200, 200, 200, 200));
    // A slow stretch covered three rounds of the later run: both medians fell by half, the ratios stayed.
    List<Row> later = List.of(row("micro", 100, 50, 50, 50, 100), row("rsocket", 200, 100, 100, 100, 200));
    List<String> lines = new ArrayList<>();

    assertThat(Agreement.compare(earlier, later, lines)).isZero();
    assertThat(lines).last().asString().contains("agree within 10% on all 1 ratios");

    List<Row> apart = List.of(row("micro", 60, 60, 60, 60, 60), row("rsocket", 200, 200, 200, 200, 200));
    lines.clear();
    assertThat(Agreement.compare(earlier, apart, lines)).isEqualTo(1);
  }

  /** A row built as the suite builds it, from one outcome per round ({@code null}: the round failed). */
  private static Row row(String impl, Integer... opsPerRound) {
    List<Map<String, Object>> outcomes = new ArrayList<>();
    for (int round = 1; round <= opsPerRound.length; round++) {
      if (opsPerRound[round - 1] == null) {
        continue;
      }
      Map<String, Object> outcome = new LinkedHashMap<>();
      outcome.put("scenario", "request-response-c64");
      outcome.put("impl", impl);
      outcome.put("round", round);
      outcome.put("ops_per_s", opsPerRound[round - 1]);
      outcomes.add(outcome);
    }
    Row row = Row.of("request-response-c64", impl, Rounds.median(outcomes));
    int lastMeasured = ((Number) outcomes.get(outcomes.size() - 1).get("round")).intValue();
    assertThat(row.perRound("ops_per_s")).hasSize(lastMeasured);
    return row;
  }
}
