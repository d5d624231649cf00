package io.reactivemicro.selector;

import io.reactivemicro.registry.Node;

/**
 * The nodes of one selection, in the order a strategy chose: each call returns the node to try next.
 * After every node has been returned once, the order starts again, so a caller bounds its attempts.
 * A selection is used by one call at a time; it is not thread-safe.
 */
@FunctionalInterface
public interface Next {

  /** Returns the node to try next; never {@code null}, as a selection always holds a node. */
  Node next();

  /**
   * Returns whether the selected service describes {@code endpoint} as idempotent (safe to run twice),
   * as its registration says ({@code @Endpoint(idempotent = true)}). The default knows nothing and
   * returns {@code false}.
   *
   * @param endpoint the endpoint, such as {@code Helloworld.Greeting}
   * @return {@code true} only when every selected version of the service says so
   */
  default boolean idempotent(String endpoint) {
    return false;
  }
}
