package io.reactivemicro.registry;

import java.util.List;
import java.util.Map;

/**
 * A service as the registry knows it: name, version, metadata, endpoints and nodes.
 *
 * @param name the service name, such as {@code helloworld}
 * @param version its version
 * @param metadata facts about the service
 * @param endpoints what it serves
 * @param nodes where it runs
 */
public record ServiceInfo(String name, String version, Map<String, String> metadata,
    List<EndpointInfo> endpoints, List<Node> nodes) {

  /** Creates the description, copying the collections. */
  public ServiceInfo {
    metadata = Map.copyOf(metadata);
    endpoints = List.copyOf(endpoints);
    nodes = List.copyOf(nodes);
  }

  /**
   * Returns this service with other nodes.
   *
   * @param nodes the nodes
   * @return a copy with those nodes
   */
  public ServiceInfo withNodes(List<Node> nodes) {
    return new ServiceInfo(name, version, metadata, endpoints, nodes);
  }
}
