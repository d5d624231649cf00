package io.reactivemicro.registry;

import io.reactivemicro.internal.provider.Plugins;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.registry.spi.RegistryProvider;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Service discovery: where the instances of a service run and what they serve.
 *
 * <p>A service registers each of its nodes with a time to live and registers again before it runs out;
 * a node that stops re-registering disappears when its TTL passes. Look-ups merge the nodes of a
 * service by version, as Go Micro's registry does. No method blocks the calling thread.
 *
 * <pre>{@code
 * Registry registry = Registry.memory();
 * registry.register(info, Duration.ofSeconds(30))
 *     .thenMany(registry.getService("helloworld"))
 *     .subscribe(service -> System.out.println(service.nodes()));
 * }</pre>
 */
public interface Registry {

  /** Returns the name of this registry, such as {@code memory}. */
  String name();

  /**
   * Registers the nodes of {@code service}, or refreshes their registration.
   *
   * @param service the service with the nodes to register
   * @param ttl how long the registration lasts unless refreshed; {@link Duration#ZERO} for ever
   * @return a {@code Mono} that completes once the registration is visible to look-ups
   */
  Mono<Void> register(ServiceInfo service, Duration ttl);

  /**
   * Removes the nodes of {@code service}; the service disappears with its last node.
   *
   * @param service the service with the nodes to remove
   * @return a {@code Mono} that completes once they are gone; removing unknown nodes is not an error
   */
  Mono<Void> deregister(ServiceInfo service);

  /**
   * Looks a service up.
   *
   * @param name the service name
   * @return a {@code Flux} of the service, one element per version, each with its live nodes; empty
   *     when no node of it is registered
   */
  Flux<ServiceInfo> getService(String name);

  /**
   * Lists every service, one element per name and version, with their live nodes.
   *
   * @return a {@code Flux} that completes after the last service
   */
  Flux<ServiceInfo> listServices();

  /**
   * Watches for changes.
   *
   * @param service the service to watch, or {@code null} for every service
   * @return a {@code Flux} of events that never completes on its own; cancelling stops the watch. A
   *     watcher that does not keep up gets at most a bounded buffer of events and then an error, so it
   *     can look the services up again.
   */
  Flux<RegistryEvent> watch(@Nullable String service);

  /**
   * Releases what the registry holds (connections, leases, sockets). Nodes registered through it are
   * not deregistered: they expire with their TTL unless deregistered first.
   *
   * @return a {@code Mono} that completes once released; the default does nothing
   */
  default Mono<Void> close() {
    return Mono.empty();
  }

  /**
   * Returns the registry {@code settings} choose: {@code MICRO_REGISTRY} or {@code --registry}, one of
   * the {@link RegistryProvider}s on the class path; {@code memory}, the JVM-wide in-memory registry,
   * when none is chosen.
   *
   * @throws IllegalArgumentException when the chosen registry is not on the class path
   */
  static Registry fromSettings(Settings settings) {
    return Plugins.create(RegistryProvider.class, "registry", "memory", settings);
  }

  /** Returns a new in-memory registry, for one JVM. */
  static Registry memory() {
    return MemoryRegistry.create();
  }

  /** Returns the JVM-wide in-memory registry services and clients use when given none. */
  static Registry shared() {
    return MemoryRegistry.shared();
  }
}
