package io.reactivemicro.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the measurements during which the machine ran slow.
 *
 * <p>On the virtual machines the suite runs on, the host sometimes slows both of a measurement's JVMs
 * down for half a minute or more without it showing as steal or as load: the client's and the server's
 * threads both spend 1.5 to 4 times their usual CPU time per operation, and throughput falls by as much.
 * An implementation's code does not get dearer from one round to the next within one JVM (its compiled
 * code is kept, see {@link ClientJvm}), so a round whose CPU per operation lies well above the
 * implementation's cheapest round on <em>both</em> sides measured the machine rather than the code. The
 * suite measures such rounds again ({@link Suite#REPEAT_PASSES}).
 */
final class Disturbance {

  /**
   * How much more CPU per operation than its cheapest round a round may spend, on both sides, before it
   * counts as slowed down. Rounds of one implementation on a quiet machine lie within about 5% of each
   * other.
   */
  static final double SLOWER = 1.15;

  private Disturbance() {}

  /**
   * Returns the rounds, among one scenario and implementation's, that the machine slowed down.
   *
   * @param rounds the outcomes by round; each with {@code client_cpu_us_per_op} and
   *     {@code server_cpu_us_per_op} (outcomes without them are never slowed down)
   * @return the round numbers, in order
   */
  static List<Integer> slowed(Map<Integer, Map<String, Object>> rounds) {
    double cheapestClient = Double.MAX_VALUE;
    double cheapestServer = Double.MAX_VALUE;
    for (Map<String, Object> outcome : rounds.values()) {
      if (outcome.get("client_cpu_us_per_op") instanceof Number client
          && outcome.get("server_cpu_us_per_op") instanceof Number server) {
        cheapestClient = Math.min(cheapestClient, client.doubleValue());
        cheapestServer = Math.min(cheapestServer, server.doubleValue());
      }
    }
    List<Integer> slowed = new ArrayList<>();
    for (Map.Entry<Integer, Map<String, Object>> round : rounds.entrySet()) {
      if (round.getValue().get("client_cpu_us_per_op") instanceof Number client
          && round.getValue().get("server_cpu_us_per_op") instanceof Number server
          && client.doubleValue() > SLOWER * cheapestClient && server.doubleValue() > SLOWER * cheapestServer) {
        slowed.add(round.getKey());
      }
    }
    slowed.sort(null);
    return slowed;
  }
}
