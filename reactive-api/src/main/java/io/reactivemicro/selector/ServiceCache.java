package io.reactivemicro.selector;

import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.RegistryEvent;
import io.reactivemicro.registry.ServiceInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.retry.Retry;

/**
 * The nodes of one service as the registry last told them: a look-up, then the watch's events. Each
 * time the watch is (re)started, events are held back until the look-up arrives, then replayed on top
 * of it, so that no change is lost between the two. When the watch fails, the nodes known are kept and
 * the watch starts again after a back-off.
 */
final class ServiceCache {

  private static final Logger LOG = Loggers.getLogger(ServiceCache.class);

  /** A node with the description of its service (its version, metadata and endpoints). */
  record Member(ServiceInfo service, Node node) {}

  /** The members of one snapshot and their nodes, in the same order. */
  private record Nodes(List<Member> members, List<Node> nodes) {}

  private final String service;
  private final Registry registry;
  private final Consumer<String> nodeGone;
  private final Sinks.One<Boolean> firstLoad = Sinks.one();
  private final Disposable.Swap loop = Disposables.swap();
  private final Scheduler clock;
  private final Duration backoff;
  private final Duration maxBackoff;
  private final Consumer<ServiceCache> onFirstLoadFailure;
  // Guarded by this.
  private final Map<String, Member> members = new LinkedHashMap<>();
  private @Nullable List<RegistryEvent> pending;
  private volatile List<Member> snapshot = List.of();
  /** The nodes of the snapshot, made once per update rather than once per selection. */
  private volatile Nodes nodes = new Nodes(List.of(), List.of());
  private volatile boolean loaded;
  private volatile long lastUsed;

  /**
   * Creates the cache; {@link #start} starts watching.
   *
   * @param nodeGone told the id of each node that leaves, so what is known of it can be dropped
   * @param onFirstLoadFailure told when the first look-up fails, so the cache can be dropped
   */
  ServiceCache(String service, Registry registry, Scheduler clock, Duration backoff, Duration maxBackoff,
      Consumer<String> nodeGone, Consumer<ServiceCache> onFirstLoadFailure) {
    this.service = service;
    this.registry = registry;
    this.nodeGone = nodeGone;
    this.clock = clock;
    this.backoff = backoff;
    this.maxBackoff = maxBackoff;
    this.onFirstLoadFailure = onFirstLoadFailure;
    this.lastUsed = clock.now(TimeUnit.MILLISECONDS);
  }

  /** Starts watching the registry, and looks the service up. */
  void start() {
    loop.update(Flux.defer(this::watchAndLoad)
        .doOnError(error -> {
          if (loaded) {
            LOG.warn("selector: watching service {} failed, serving the {} nodes known: {}", service,
                snapshot.size(), error.toString());
          }
        })
        // Before the first look-up nothing is known to serve: the error goes to the callers waiting,
        // and the next selection starts afresh. After it, a successful look-up resets the back-off.
        .retryWhen(Retry.backoff(Long.MAX_VALUE, backoff).maxBackoff(maxBackoff).transientErrors(true)
            .filter(error -> loaded).scheduler(clock))
        .subscribe(v -> { }, error -> {
          firstLoad.tryEmitError(error);
          onFirstLoadFailure.accept(this);
        }));
  }

  /** Returns the service name. */
  String service() {
    return service;
  }

  /** Returns a {@code Mono} of the nodes once the first look-up arrived, then at once. */
  Mono<List<Member>> members() {
    return loaded ? Mono.just(snapshot) : firstLoad.asMono().then(Mono.fromSupplier(() -> snapshot));
  }

  /** Returns the nodes once the first look-up arrived, or {@code null} before. */
  @Nullable List<Member> loadedMembers() {
    return loaded ? snapshot : null;
  }

  /**
   * Returns the nodes of {@code members}, in their order, when they are a snapshot of this cache, else
   * {@code null}.
   */
  @Nullable List<Node> nodesOf(List<Member> members) {
    Nodes known = nodes;
    return known.members() == members ? known.nodes() : null;
  }

  /** Returns the nodes known now, none before the first look-up. */
  List<Member> known() {
    return snapshot;
  }

  /** Returns when the service was last selected, by the selector's clock. */
  long lastUsed() {
    return lastUsed;
  }

  /** Records a selection. */
  void touch(long now) {
    lastUsed = now;
  }

  /** Stops watching; callers still waiting for the first look-up get an error rather than wait for ever. */
  void dispose() {
    loop.dispose();
    if (!loaded) {
      firstLoad.tryEmitError(new IllegalStateException("service " + service + " was dropped from the selector's cache"));
    }
  }

  private Flux<Boolean> watchAndLoad() {
    synchronized (this) {
      pending = new ArrayList<>();
    }
    // The watch is subscribed first, so events from the look-up on are all seen.
    Mono<Boolean> watch = registry.watch(service)
        .doOnNext(this::onEvent)
        .then(Mono.error(() -> new IllegalStateException("the watch of " + service + " completed")));
    Mono<Boolean> lookUp = registry.getService(service).collectList()
        .doOnNext(this::onLookUp)
        .thenReturn(true);
    return Flux.merge(watch, lookUp);
  }

  private synchronized void onEvent(RegistryEvent event) {
    if (pending != null) {
      pending.add(event);
    } else {
      apply(event);
      publish();
    }
  }

  private void onLookUp(List<ServiceInfo> services) {
    synchronized (this) {
      List<String> before = new ArrayList<>(members.keySet());
      members.clear();
      for (ServiceInfo info : services) {
        for (Node node : info.nodes()) {
          members.put(node.id(), new Member(info, node));
        }
      }
      List<RegistryEvent> held = pending;
      pending = null;
      if (held != null) {
        held.forEach(this::apply);
      }
      before.stream().filter(id -> !members.containsKey(id)).forEach(nodeGone);
      publish();
      loaded = true;
    }
    firstLoad.tryEmitValue(true);
  }

  /** Applies one change; the caller holds the lock. */
  private void apply(RegistryEvent event) {
    ServiceInfo info = event.service();
    for (Node node : info.nodes()) {
      if (event.type() == RegistryEvent.Type.DELETE) {
        if (members.remove(node.id()) != null) {
          nodeGone.accept(node.id());
        }
      } else {
        members.put(node.id(), new Member(info, node));
      }
    }
  }

  private void publish() {
    List<Member> fresh = List.copyOf(members.values());
    nodes = new Nodes(fresh, fresh.stream().map(Member::node).toList());
    snapshot = fresh;
  }
}
