package io.reactivemicro.selector;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.ServiceInfo;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;

/** A selector that looks each selection up in the registry; caching comes with the registry plugins. */
final class RegistrySelector implements Selector {

  private final Registry registry;
  private final Strategy strategy;

  RegistrySelector(Registry registry, Strategy strategy) {
    this.registry = registry;
    this.strategy = strategy;
  }

  @Override
  public Mono<Next> select(String service) {
    return registry.getService(service)
        .collect(ArrayList<Node>::new, (nodes, info) -> addNodes(nodes, info))
        .flatMap(nodes -> nodes.isEmpty()
            ? Mono.error(MicroException.notFound("io.reactivemicro.selector", "service %s: not found", service))
            : Mono.just(strategy.apply(List.copyOf(nodes))));
  }

  private static void addNodes(List<Node> nodes, ServiceInfo info) {
    nodes.addAll(info.nodes());
  }
}
