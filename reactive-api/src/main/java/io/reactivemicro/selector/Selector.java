package io.reactivemicro.selector;

import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Chooses which node of a service a call goes to: client-side load balancing on top of the registry.
 *
 * <pre>{@code
 * Selector selector = Selector.roundRobin(registry);
 * selector.select("helloworld").map(Next::next).subscribe(node -> System.out.println(node.address()));
 * }</pre>
 */
public interface Selector {

  /**
   * Selects the nodes of a service.
   *
   * @param service the service name
   * @return a {@code Mono} of the order in which to try its nodes; it fails with a 404
   *     {@code service X: not found} when the service has no live node
   */
  Mono<Next> select(String service);

  /**
   * Tells the selector how a call to a node went, so that strategies can avoid failing nodes. The
   * default does nothing.
   *
   * @param service the service name
   * @param node the node called
   * @param error the error, or {@code null} for success
   */
  default void mark(String service, Node node, @Nullable Throwable error) {}

  /**
   * Returns a selector that looks services up in {@code registry} and orders nodes by {@code strategy}.
   *
   * @param registry where services are looked up
   * @param strategy how nodes are ordered
   * @return the selector
   */
  static Selector of(Registry registry, Strategy strategy) {
    return new RegistrySelector(registry, strategy);
  }

  /** Returns a selector that starts each selection at a random node. */
  static Selector random(Registry registry) {
    return of(registry, Strategy.random());
  }

  /** Returns a selector that starts successive selections at successive nodes. */
  static Selector roundRobin(Registry registry) {
    return of(registry, Strategy.roundRobin());
  }
}
