package io.reactivemicro.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DisturbanceTest {

  @Test
  void aRoundDearerOnBothSidesThanTheCheapestWasSlowedDown() {
    Map<Integer, Map<String, Object>> rounds = new TreeMap<>();
    rounds.put(1, cost(9.14, 8.04));
    rounds.put(2, cost(2.13, 1.64));
    rounds.put(3, cost(2.05, 1.60));
    rounds.put(4, cost(2.71, 2.24));
    rounds.put(5, cost(2.20, 1.70));

    assertThat(Disturbance.slowed(rounds)).containsExactly(1, 4);
  }

  @Test
  void aRoundDearerOnOneSideOnlyCounts() {
    Map<Integer, Map<String, Object>> rounds = new TreeMap<>();
    rounds.put(1, cost(2.0, 1.0));
    rounds.put(2, cost(3.0, 1.05));
    rounds.put(3, cost(2.1, 1.6));

    assertThat(Disturbance.slowed(rounds)).isEmpty();
  }

  @Test
  void roundsWithoutCostsAreNeverSlowedDown() {
    Map<Integer, Map<String, Object>> rounds = new TreeMap<>();
    rounds.put(1, Map.of("ops_per_s", 10));
    rounds.put(2, cost(2.0, 1.0));

    assertThat(Disturbance.slowed(rounds)).isEmpty();
    assertThat(Disturbance.slowed(Map.of(1, cost(5.0, 5.0)))).isEmpty();
  }

  private static Map<String, Object> cost(double client, double server) {
    return Map.of("client_cpu_us_per_op", client, "server_cpu_us_per_op", server);
  }
}
