package io.reactivemicro.selector;

import io.reactivemicro.registry.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses the order in which the nodes of a service are tried. A strategy may be shared by every
 * service of a selector and by concurrent calls: implementations are thread-safe.
 *
 * <p>A selector tells its strategy when a call to a node starts ({@link #started}) and when it ends
 * ({@link #finished}), so that a strategy such as {@link #leastOutstanding()} can weigh nodes by their
 * load.
 */
@FunctionalInterface
public interface Strategy {

  /**
   * Returns the order of one selection.
   *
   * @param nodes the nodes to choose from, never empty
   * @return the nodes to try, in order, starting again after the last
   */
  Next apply(List<Node> nodes);

  /**
   * Tells the strategy that a call to {@code node} starts; the default does nothing. Each call is
   * followed by exactly one {@link #finished}.
   *
   * @param node the node called
   */
  default void started(Node node) {}

  /**
   * Tells the strategy that a call to {@code node} ended, however it ended; the default does nothing.
   *
   * @param node the node called
   */
  default void finished(Node node) {}

  /** Returns a strategy that starts at a random node, then tries the others in turn. */
  static Strategy random() {
    return nodes -> cycle(nodes, ThreadLocalRandom.current().nextInt(nodes.size()));
  }

  /** Returns a strategy whose successive selections start at successive nodes. */
  static Strategy roundRobin() {
    AtomicInteger counter = new AtomicInteger();
    return nodes -> cycle(nodes, Math.floorMod(counter.getAndIncrement(), nodes.size()));
  }

  /**
   * Returns a strategy that sends each call to the less loaded of two nodes picked at random (the
   * "power of two choices"), load being the calls started and not yet finished through this strategy.
   * Then, should the call fail over, the other nodes follow from the least loaded. Picking two at random
   * rather than the least loaded of all keeps many clients from piling onto the same idle node.
   *
   * @return a new strategy, with its own counts
   */
  static Strategy leastOutstanding() {
    return new LeastOutstanding();
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

  /** Least outstanding requests with the power of two choices; counts are kept by node id. */
  final class LeastOutstanding implements Strategy {

    // Only nodes with calls in flight have an entry, so the map stays as small as the busy nodes.
    private final Map<String, AtomicInteger> outstanding = new ConcurrentHashMap<>();

    private LeastOutstanding() {}

    @Override
    public Next apply(List<Node> nodes) {
      if (nodes.size() == 1) {
        return cycle(nodes, 0);
      }
      ThreadLocalRandom random = ThreadLocalRandom.current();
      int first = random.nextInt(nodes.size());
      int second = random.nextInt(nodes.size() - 1);
      if (second >= first) {
        second++;
      }
      int[] load = new int[nodes.size()];
      for (int i = 0; i < load.length; i++) {
        load[i] = outstanding(nodes.get(i));
      }
      int chosen = load[second] < load[first] ? second : first;
      List<Integer> rest = new ArrayList<>(nodes.size() - 1);
      for (int i = 0; i < nodes.size(); i++) {
        if (i != chosen) {
          rest.add(i);
        }
      }
      // Stable sort: equally loaded nodes keep the registry's order after the chosen one.
      rest.sort((a, b) -> Integer.compare(load[a], load[b]));
      List<Node> order = new ArrayList<>(nodes.size());
      order.add(nodes.get(chosen));
      rest.forEach(i -> order.add(nodes.get(i)));
      return cycle(order, 0);
    }

    @Override
    public void started(Node node) {
      outstanding.computeIfAbsent(node.id(), id -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void finished(Node node) {
      outstanding.computeIfPresent(node.id(), (id, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /**
     * Returns the calls to {@code node} started and not yet finished.
     *
     * @param node the node
     * @return its count, 0 when idle
     */
    public int outstanding(Node node) {
      AtomicInteger count = outstanding.get(node.id());
      return count == null ? 0 : count.get();
    }
  }
}
