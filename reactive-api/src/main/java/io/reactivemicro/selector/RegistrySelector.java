package io.reactivemicro.selector;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.registry.EndpointInfo;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.selector.ServiceCache.Member;
import io.reactivemicro.transport.ConnectionFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The caching selector: a {@link ServiceCache} per service selected, at most {@code maxServices} and
 * none idle for longer than {@code idleTimeout}; a {@link NodeHealth} per failing node.
 */
final class RegistrySelector implements Selector {

  private static final String ID = "io.reactivemicro.selector";

  private final Registry registry;
  private final Strategy strategy;
  private final Scheduler clock;
  private final long backoffMillis;
  private final long maxBackoffMillis;
  private final long probeLeaseMillis;
  private final Duration rewatchBackoff;
  private final Duration maxRewatchBackoff;
  private final int maxServices;
  private final long idleMillis;
  private final Map<String, ServiceCache> services = new ConcurrentHashMap<>();
  private final Map<String, NodeHealth> health = new ConcurrentHashMap<>();
  private volatile long lastSweep;
  private volatile boolean closed;

  RegistrySelector(Builder builder) {
    this.registry = builder.registry;
    this.strategy = builder.strategy;
    this.clock = builder.clock;
    this.backoffMillis = builder.backoff.toMillis();
    this.maxBackoffMillis = builder.maxBackoff.toMillis();
    // A probe whose end is never reported stops blocking others after this long.
    this.probeLeaseMillis = Math.max(maxBackoffMillis, Duration.ofSeconds(30).toMillis());
    this.rewatchBackoff = builder.rewatchBackoff;
    this.maxRewatchBackoff = builder.maxRewatchBackoff;
    this.maxServices = builder.maxServices;
    this.idleMillis = builder.idleTimeout.toMillis();
    this.lastSweep = now();
  }

  @Override
  public Mono<Next> select(String service, Filter filter) {
    return Mono.defer(() -> {
      if (closed) {
        return Mono.error(new IllegalStateException("the selector is closed"));
      }
      ServiceCache cache = cache(service);
      List<Member> loaded = cache.loadedMembers();
      if (loaded != null && !loaded.isEmpty()) {
        return selection(service, loaded, filter, cache);
      }
      return cache.members()
          .onErrorMap(error -> !(error instanceof MicroException), error -> MicroException.serviceUnavailable(ID,
              "service %s: cannot look it up: %s", service, error.getMessage()))
          .flatMap(members -> members.isEmpty() ? lookUp(service) : Mono.just(members))
          .flatMap(members -> selection(service, members, filter, cache));
    });
  }

  @Override
  public void started(String service, Node node) {
    strategy.started(node);
  }

  @Override
  public void mark(String service, Node node, @Nullable Throwable error) {
    strategy.finished(node);
    if (error == null) {
      health.remove(node.id());
    } else if (nodeFailed(error)) {
      health.computeIfAbsent(node.id(), id -> new NodeHealth(backoffMillis, maxBackoffMillis, probeLeaseMillis))
          .failed(now());
    } else if (error instanceof CancellationException) {
      NodeHealth known = health.get(node.id());
      if (known != null) {
        known.released();
      }
    } else {
      // The node answered with an error of the endpoint's own: it is alive.
      health.remove(node.id());
    }
  }

  @Override
  public Mono<Void> close() {
    return Mono.fromRunnable(() -> {
      closed = true;
      services.values().forEach(ServiceCache::dispose);
      services.clear();
      health.clear();
    });
  }

  /** Returns whether {@code error} says the node is unwell rather than the call wrong. */
  static boolean nodeFailed(Throwable error) {
    if (error instanceof ConnectionFailedException || error instanceof TimeoutException) {
      return true;
    }
    if (error instanceof MicroException micro) {
      int code = micro.code();
      return code == 408 || code == 502 || code == 503 || code == 504;
    }
    return false;
  }

  /** Returns how many services are cached; for tests. */
  int cachedServices() {
    return services.size();
  }

  /** Returns whether the node is being avoided now; for tests. */
  boolean avoided(Node node) {
    NodeHealth known = health.get(node.id());
    return known != null && !known.usable(now());
  }

  private ServiceCache cache(String service) {
    long now = now();
    ServiceCache known = services.get(service);
    if (known != null) {
      known.touch(now);
      sweepIdle(now);
      return known;
    }
    ServiceCache[] created = {null};
    ServiceCache cache = services.computeIfAbsent(service, name -> created[0] = new ServiceCache(name, registry,
        clock, rewatchBackoff, maxRewatchBackoff, health::remove, this::forget));
    cache.touch(now);
    if (created[0] != null) {
      created[0].start();
      evictBeyondCapacity();
    }
    sweepIdle(now);
    return cache;
  }

  /** A look-up straight from the registry when the cache knows no node: the watch may lag behind. */
  private Mono<List<Member>> lookUp(String service) {
    return registry.getService(service)
        .flatMapIterable(info -> info.nodes().stream().map(node -> new Member(info, node)).toList())
        .collectList()
        .onErrorReturn(List.of());
  }

  private Mono<Next> selection(String service, List<Member> members, Filter filter, ServiceCache cache) {
    if (members.isEmpty()) {
      return Mono.error(MicroException.notFound(ID, "service %s: not found", service));
    }
    List<Member> passing = filter.isAny() ? members
        : members.stream().filter(member -> filter.test(member.service(), member.node())).toList();
    if (passing.isEmpty()) {
      return Mono.error(MicroException.notFound(ID, "service %s: no node with %s", service, filter));
    }
    if (health.isEmpty()) {
      // No node is backing off: all are usable, in the strategy's order.
      List<Node> nodes = passing == members ? cache.nodesOf(members) : null;
      List<Node> usable = nodes != null ? nodes : passing.stream().map(Member::node).toList();
      Next preferred = strategy.apply(usable);
      List<Node> order = new ArrayList<>(usable.size());
      for (int i = 0; i < usable.size(); i++) {
        order.add(preferred.next());
      }
      return Mono.just(new Selection(order, usable.size(), passing));
    }
    long now = now();
    List<Node> usable = new ArrayList<>(passing.size());
    List<Node> avoided = new ArrayList<>();
    for (Member member : passing) {
      NodeHealth known = health.get(member.node().id());
      (known == null || known.usable(now) ? usable : avoided).add(member.node());
    }
    // Nodes backing off come last, those whose back-off ends first before the others.
    avoided.sort(Comparator.comparingLong(node -> untilOf(node)));
    List<Node> order = new ArrayList<>(passing.size());
    if (!usable.isEmpty()) {
      Next preferred = strategy.apply(List.copyOf(usable));
      for (int i = 0; i < usable.size(); i++) {
        order.add(preferred.next());
      }
    }
    order.addAll(avoided);
    return Mono.just(new Selection(order, usable.size(), passing));
  }

  private long untilOf(Node node) {
    NodeHealth known = health.get(node.id());
    return known == null ? 0 : known.until();
  }

  private void forget(ServiceCache cache) {
    if (services.remove(cache.service(), cache)) {
      cache.dispose();
    }
  }

  private void evictBeyondCapacity() {
    while (services.size() > maxServices) {
      services.values().stream().min(Comparator.comparingLong(ServiceCache::lastUsed)).ifPresent(this::evict);
    }
  }

  private void sweepIdle(long now) {
    // At most a few sweeps per idle timeout, each a pass over the cached services.
    if (now - lastSweep < Math.max(1, idleMillis / 4)) {
      return;
    }
    lastSweep = now;
    services.values().stream().filter(cache -> now - cache.lastUsed() > idleMillis).toList().forEach(this::evict);
  }

  private void evict(ServiceCache cache) {
    if (services.remove(cache.service(), cache)) {
      cache.dispose();
      cache.known().forEach(member -> health.remove(member.node().id()));
    }
  }

  private long now() {
    return clock.now(TimeUnit.MILLISECONDS);
  }

  /**
   * One selection: the usable nodes in the strategy's order, then those backing off. A usable node may
   * have started backing off, or another call may have taken its probe slot, since the selection was
   * made: {@link #next} then moves it behind the usable ones.
   */
  private final class Selection implements Next {

    private final List<Node> order;
    private final List<Member> members;
    private int usable;
    private int position;

    Selection(List<Node> order, int usable, List<Member> members) {
      this.order = order;
      this.usable = usable;
      this.members = members;
    }

    @Override
    public Node next() {
      int size = order.size();
      for (int tries = 0; tries < size; tries++) {
        Node node = order.get(position);
        if (position < usable) {
          NodeHealth known = health.get(node.id());
          if (known != null && !known.claim(now())) {
            order.remove(position);
            order.add(node);
            usable--;
            continue;
          }
        }
        position = (position + 1) % size;
        return node;
      }
      Node node = order.get(position);
      position = (position + 1) % size;
      return node;
    }

    @Override
    public boolean idempotent(String endpoint) {
      boolean described = false;
      for (Member member : members) {
        for (EndpointInfo info : member.service().endpoints()) {
          if (info.name().equals(endpoint)) {
            if (!info.idempotent()) {
              return false;
            }
            described = true;
          }
        }
      }
      return described;
    }
  }

  @Override
  public String toString() {
    return "RegistrySelector{registry=" + registry.name() + ", services=" + services.size() + '}';
  }
}
