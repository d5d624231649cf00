package io.reactivemicro.selector;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.registry.Node;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class StrategyTest {

  private static final Node A = Node.of("a", "10.0.0.1:1");
  private static final Node B = Node.of("b", "10.0.0.2:1");
  private static final Node C = Node.of("c", "10.0.0.3:1");
  private static final List<Node> NODES = List.of(A, B, C);

  @Test
  void roundRobinStartsSuccessiveSelectionsAtSuccessiveNodes() {
    Strategy strategy = Strategy.roundRobin();

    List<Node> firsts = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      firsts.add(strategy.apply(NODES).next());
    }

    assertThat(firsts).containsExactly(A, B, C, A, B, C, A);
  }

  @Test
  void roundRobinCyclesThroughEveryNodeWithinOneSelection() {
    Strategy strategy = Strategy.roundRobin();
    strategy.apply(NODES);

    Next next = strategy.apply(NODES);

    assertThat(List.of(next.next(), next.next(), next.next(), next.next(), next.next())).containsExactly(B, C, A, B, C);
  }

  @Test
  void roundRobinStrategiesCountIndependently() {
    Strategy first = Strategy.roundRobin();
    Strategy second = Strategy.roundRobin();
    first.apply(NODES);

    assertThat(second.apply(NODES).next()).isEqualTo(A);
  }

  @RepeatedTest(20)
  void randomCoversEveryNodeOnceBeforeRepeating() {
    Next next = Strategy.random().apply(NODES);

    Set<Node> cycle = new HashSet<>();
    Node start = next.next();
    cycle.add(start);
    cycle.add(next.next());
    cycle.add(next.next());

    assertThat(cycle).containsExactlyInAnyOrder(A, B, C);
    assertThat(next.next()).as("the order starts again").isEqualTo(start);
  }

  @Test
  void randomStartsAtEveryNodeSometimes() {
    Strategy strategy = Strategy.random();
    Set<Node> starts = new HashSet<>();
    for (int i = 0; i < 300 && starts.size() < NODES.size(); i++) {
      starts.add(strategy.apply(NODES).next());
    }

    assertThat(starts).containsExactlyInAnyOrder(A, B, C);
  }

  @Test
  void singleNodeIsAlwaysReturned() {
    Next next = Strategy.roundRobin().apply(List.of(A));

    assertThat(List.of(next.next(), next.next(), next.next())).containsOnly(A);
    assertThat(Strategy.random().apply(List.of(B)).next()).isEqualTo(B);
  }
}
