package io.reactivemicro.selector;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.ServiceInfo;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class SelectorTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final Registry registry = Registry.memory();

  @Test
  void emptyRegistryFailsWithA404NamingTheService() {
    StepVerifier.create(Selector.roundRobin(registry).select("helloworld"))
        .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(404);
          assertThat(e.detail()).isEqualTo("service helloworld: not found");
        }))
        .verify(TIMEOUT);
  }

  @Test
  void serviceWhoseLastNodeLeftIsNotFound() {
    ServiceInfo info = service("1.0.0", Node.of("a", "10.0.0.1:1"));
    registry.register(info, Duration.ZERO).then(registry.deregister(info)).block(TIMEOUT);

    StepVerifier.create(Selector.random(registry).select("helloworld"))
        .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(MicroException.class,
            e -> assertThat(e.code()).isEqualTo(404)))
        .verify(TIMEOUT);
  }

  @Test
  void selectionCoversTheNodesOfEveryVersion() {
    Node a = Node.of("a", "10.0.0.1:1");
    Node b = Node.of("b", "10.0.0.2:1");
    Node c = Node.of("c", "10.0.0.3:1");
    registry.register(service("1.0.0", a, b), Duration.ZERO).block(TIMEOUT);
    registry.register(service("2.0.0", c), Duration.ZERO).block(TIMEOUT);

    StepVerifier.create(Selector.random(registry).select("helloworld"))
        .assertNext(next -> {
          Set<Node> seen = new HashSet<>();
          for (int i = 0; i < 3; i++) {
            seen.add(next.next());
          }
          assertThat(seen).containsExactlyInAnyOrder(a, b, c);
        })
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void roundRobinSelectorSpreadsSuccessiveSelections() {
    Node a = Node.of("a", "10.0.0.1:1");
    Node b = Node.of("b", "10.0.0.2:1");
    registry.register(service("1.0.0", a, b), Duration.ZERO).block(TIMEOUT);
    Selector selector = Selector.roundRobin(registry);

    Set<Node> firsts = new HashSet<>();
    for (int i = 0; i < 2; i++) {
      firsts.add(selector.select("helloworld").map(Next::next).block(TIMEOUT));
    }

    assertThat(firsts).containsExactlyInAnyOrder(a, b);
  }

  private static ServiceInfo service(String version, Node... nodes) {
    return new ServiceInfo("helloworld", version, Map.of(), List.of(), List.of(nodes));
  }
}
