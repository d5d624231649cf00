package io.reactivemicro.selector;

import io.reactivemicro.registry.Node;

/**
 * The nodes of one selection, in the order a strategy chose: each call returns the node to try next.
 * After every node has been returned once, the order starts again, so a caller bounds its attempts.
 */
@FunctionalInterface
public interface Next {

  /** Returns the node to try next; never {@code null}, as a selection always holds a node. */
  Node next();
}
