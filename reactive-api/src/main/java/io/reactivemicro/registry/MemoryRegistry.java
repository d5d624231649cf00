package io.reactivemicro.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A registry held in memory, for services and clients in one JVM, and the contract's reference.
 *
 * <p>Registrations expire by the clock of the given {@link Scheduler} (virtual time works); expired nodes
 * are never returned and a sweep that runs every {@code sweepInterval} reports them to watchers as
 * {@code DELETE} events. Each watcher has a buffer of {@value #WATCH_BUFFER} events; a watcher that falls
 * further behind receives an error.
 */
public final class MemoryRegistry implements Registry {

  private static final MemoryRegistry SHARED = new MemoryRegistry(Schedulers.parallel(), Duration.ofSeconds(1));

  /** How many events a watcher may fall behind before it receives an error. */
  public static final int WATCH_BUFFER = 1024;

  private record Entry(ServiceInfo service, Node node, long expiresAtMillis) {
    boolean expired(long now) {
      return expiresAtMillis > 0 && expiresAtMillis <= now;
    }
  }

  private final Scheduler clock;
  private final Duration sweepInterval;
  // service name -> node id -> entry
  private final Map<String, Map<String, Entry>> services = new ConcurrentHashMap<>();
  private final Sinks.Many<RegistryEvent> events = Sinks.many().multicast().directBestEffort();
  private volatile @Nullable Disposable sweeper;

  /** Returns a new registry on the wall clock that sweeps expired nodes every second. */
  public static MemoryRegistry create() {
    return new MemoryRegistry(Schedulers.parallel(), Duration.ofSeconds(1));
  }

  /**
   * Returns a new registry on the clock of {@code clock}.
   *
   * @param clock the scheduler whose clock decides expiry and on which the sweep runs
   * @param sweepInterval how often expired nodes are reported to watchers
   * @return the registry
   */
  public static MemoryRegistry create(Scheduler clock, Duration sweepInterval) {
    return new MemoryRegistry(clock, sweepInterval);
  }

  /** Returns the JVM-wide registry that services and clients use when given none. */
  public static MemoryRegistry shared() {
    return SHARED;
  }

  private MemoryRegistry(Scheduler clock, Duration sweepInterval) {
    this.clock = clock;
    this.sweepInterval = sweepInterval;
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Mono<Void> register(ServiceInfo service, Duration ttl) {
    return Mono.fromRunnable(() -> {
      long now = now();
      long expiry = ttl.isZero() || ttl.isNegative() ? 0 : now + ttl.toMillis();
      for (Node node : service.nodes()) {
        Entry fresh = new Entry(service.withNodes(List.of(node)), node, expiry);
        Entry[] previous = new Entry[1];
        // Inside compute, so a concurrent deregister cannot drop the map this node goes into.
        services.compute(service.name(), (name, nodes) -> {
          Map<String, Entry> map = nodes != null ? nodes : new ConcurrentHashMap<>();
          previous[0] = map.put(node.id(), fresh);
          return map;
        });
        if (previous[0] == null || previous[0].expired(now)) {
          emit(RegistryEvent.Type.CREATE, fresh.service());
        } else if (!previous[0].service().equals(fresh.service())) {
          emit(RegistryEvent.Type.UPDATE, fresh.service());
        }
      }
      if (expiry > 0) {
        startSweeper();
      }
    });
  }

  @Override
  public Mono<Void> deregister(ServiceInfo service) {
    return Mono.fromRunnable(() -> {
      Map<String, Entry> nodes = services.get(service.name());
      if (nodes == null) {
        return;
      }
      for (Node node : service.nodes()) {
        // An entry still held has not been reported gone, even when it expired before the sweep saw it.
        Entry removed = nodes.remove(node.id());
        if (removed != null) {
          emit(RegistryEvent.Type.DELETE, removed.service());
        }
      }
      services.computeIfPresent(service.name(), (k, v) -> v.isEmpty() ? null : v);
    });
  }

  @Override
  public Flux<ServiceInfo> getService(String name) {
    return Flux.defer(() -> {
      Map<String, Entry> nodes = services.get(name);
      return nodes == null ? Flux.empty() : Flux.fromIterable(mergeByVersion(nodes.values(), now()));
    });
  }

  @Override
  public Flux<ServiceInfo> listServices() {
    return Flux.defer(() -> {
      long now = now();
      List<ServiceInfo> all = new ArrayList<>();
      for (Map<String, Entry> nodes : services.values()) {
        all.addAll(mergeByVersion(nodes.values(), now));
      }
      return Flux.fromIterable(all);
    });
  }

  @Override
  public Flux<RegistryEvent> watch(@Nullable String service) {
    Flux<RegistryEvent> all = events.asFlux().onBackpressureBuffer(WATCH_BUFFER,
        dropped -> { }, reactor.core.publisher.BufferOverflowStrategy.ERROR);
    return service == null ? all : all.filter(e -> e.service().name().equals(service));
  }

  private static List<ServiceInfo> mergeByVersion(Iterable<Entry> entries, long now) {
    Map<String, ServiceInfo> byVersion = new LinkedHashMap<>();
    Map<String, List<Node>> nodesByVersion = new LinkedHashMap<>();
    for (Entry entry : entries) {
      if (entry.expired(now)) {
        continue;
      }
      String version = entry.service().version();
      byVersion.putIfAbsent(version, entry.service());
      nodesByVersion.computeIfAbsent(version, v -> new ArrayList<>()).add(entry.node());
    }
    List<ServiceInfo> merged = new ArrayList<>(byVersion.size());
    byVersion.forEach((version, info) -> merged.add(info.withNodes(nodesByVersion.get(version))));
    return merged;
  }

  private synchronized void startSweeper() {
    if (sweeper == null) {
      sweeper = clock.schedulePeriodically(this::sweep, sweepInterval.toMillis(), sweepInterval.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  /** Stops sweeping once nothing is left that could expire; the next registration with a TTL starts it again. */
  private synchronized void stopSweeperIfIdle() {
    boolean anyExpiring = services.values().stream()
        .anyMatch(nodes -> nodes.values().stream().anyMatch(entry -> entry.expiresAtMillis() > 0));
    Disposable running = sweeper;
    if (!anyExpiring && running != null) {
      running.dispose();
      sweeper = null;
    }
  }

  private void sweep() {
    long now = now();
    services.forEach((name, nodes) -> {
      // Whoever removes an entry reports it, so a concurrent deregister and the sweep never both do.
      nodes.forEach((id, entry) -> {
        if (entry.expired(now) && nodes.remove(id, entry)) {
          emit(RegistryEvent.Type.DELETE, entry.service());
        }
      });
      services.computeIfPresent(name, (k, v) -> v.isEmpty() ? null : v);
    });
    stopSweeperIfIdle();
  }

  private void emit(RegistryEvent.Type type, ServiceInfo service) {
    RegistryEvent event = new RegistryEvent(type, service, Instant.ofEpochMilli(now()));
    // Several threads may register at once: retry while another emission is in progress.
    events.emitNext(event, (signal, result) -> result == Sinks.EmitResult.FAIL_NON_SERIALIZED);
  }

  private long now() {
    return clock.now(TimeUnit.MILLISECONDS);
  }
}
