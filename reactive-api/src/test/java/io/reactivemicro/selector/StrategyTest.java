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

  @Test
  void leastOutstandingOfTwoNodesAlwaysPicksTheLessLoaded() {
    Strategy strategy = Strategy.leastOutstanding();
    List<Node> two = List.of(A, B);
    strategy.started(A);
    strategy.started(A);
    strategy.started(B);

    for (int i = 0; i < 50; i++) {
      assertThat(strategy.apply(two).next()).isEqualTo(B);
    }
  }

  @Test
  void leastOutstandingFollowsCallsAsTheyEnd() {
    Strategy.LeastOutstanding strategy = (Strategy.LeastOutstanding) Strategy.leastOutstanding();
    strategy.started(A);
    strategy.started(B);
    strategy.started(B);
    strategy.finished(B);
    strategy.finished(B);

    assertThat(strategy.outstanding(A)).isEqualTo(1);
    assertThat(strategy.outstanding(B)).isZero();
    assertThat(strategy.apply(List.of(A, B)).next()).isEqualTo(B);
    strategy.finished(B);
    assertThat(strategy.outstanding(B)).as("never negative").isZero();
  }

  @RepeatedTest(20)
  void leastOutstandingNeverPicksTheMostLoadedOfThree() {
    Strategy strategy = Strategy.leastOutstanding();
    for (int i = 0; i < 5; i++) {
      strategy.started(C);
    }
    strategy.started(B);

    Next next = strategy.apply(NODES);

    assertThat(next.next()).as("two choices: C loses to whichever other node is drawn").isNotEqualTo(C);
    assertThat(new HashSet<>(List.of(next.next(), next.next()))).as("the others follow").hasSize(2);
  }

  @Test
  void leastOutstandingSpreadsIdleNodesAtRandom() {
    Strategy strategy = Strategy.leastOutstanding();
    Set<Node> firsts = new HashSet<>();
    for (int i = 0; i < 300 && firsts.size() < NODES.size(); i++) {
      firsts.add(strategy.apply(NODES).next());
    }

    assertThat(firsts).containsExactlyInAnyOrder(A, B, C);
  }

  @Test
  void leastOutstandingCoversEveryNodeInOneSelection() {
    Strategy strategy = Strategy.leastOutstanding();
    strategy.started(A);

    Next next = strategy.apply(NODES);
    List<Node> order = List.of(next.next(), next.next(), next.next());

    assertThat(order).containsExactlyInAnyOrder(A, B, C);
    assertThat(order.get(2)).as("the loaded node comes last on fail-over").isEqualTo(A);
    assertThat(next.next()).isEqualTo(order.get(0));
  }
}
