package io.reactivemicro.registry;

import java.util.Map;

/**
 * One running instance of a service.
 *
 * @param id a unique id, such as {@code helloworld-4f1c...}
 * @param address where it listens, {@code host:port}
 * @param metadata facts about the node, such as its transport or zone
 */
public record Node(String id, String address, Map<String, String> metadata) {

  /** Creates the node, copying the metadata. */
  public Node {
    metadata = Map.copyOf(metadata);
  }

  /**
   * Returns a node with no metadata.
   *
   * @param id its id
   * @param address its {@code host:port}
   * @return the node
   */
  public static Node of(String id, String address) {
    return new Node(id, address, Map.of());
  }
}
