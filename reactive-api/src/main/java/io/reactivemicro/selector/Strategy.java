package io.reactivemicro.selector;

import io.reactivemicro.registry.Node;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses the order in which the nodes of a service are tried.
 */
@FunctionalInterface
public interface Strategy {

  /**
   * Returns the order of one selection.
   *
   * @param nodes the live nodes, never empty
   * @return the nodes to try, in order
   */
  Next apply(List<Node> nodes);

  /** Returns a strategy that starts at a random node, then tries the others in turn. */
  static Strategy random() {
    return nodes -> cycle(nodes, ThreadLocalRandom.current().nextInt(nodes.size()));
  }

  /** Returns a strategy whose successive selections start at successive nodes. */
  static Strategy roundRobin() {
    AtomicInteger counter = new AtomicInteger();
    return nodes -> cycle(nodes, Math.floorMod(counter.getAndIncrement(), nodes.size()));
  }

  private static Next cycle(List<Node> nodes, int start) {
    if (nodes.size() == 1) {
      Node only = nodes.get(0);
      return () -> only;
    }
    int[] position = {start};
    return () -> {
      Node node = nodes.get(position[0]);
      position[0] = (position[0] + 1) % nodes.size();
      return node;
    };
  }
}
