package io.reactivemicro.selector;

import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Chooses which node of a service a call goes to: client-side load balancing on top of the registry.
 *
 * <p>The selector {@link #of built here} keeps, per service called, a cache of its nodes fed by
 * {@link Registry#watch}, and goes on serving the last nodes it knew while the registry cannot be
 * reached. It orders nodes by a {@link Strategy}, keeps those a {@link Filter} leaves out, and avoids for
 * a back-off period a node whose calls failed to connect or timed out (see {@link #mark}).
 *
 * <pre>{@code
 * Selector selector = Selector.builder(registry)
 *     .strategy(Strategy.leastOutstanding())
 *     .backoff(Duration.ofMillis(100), Duration.ofSeconds(30))
 *     .build();
 * Client client = Client.builder().registry(registry).selector(selector).build();
 * }</pre>
 */
public interface Selector {

  /**
   * Selects the nodes of a service that pass a filter.
   *
   * @param service the service name
   * @param filter which nodes may be chosen
   * @return a {@code Mono} of the order in which to try those nodes; it fails with a 404
   *     {@code service X: not found} when the service has no live node, and with a 404 naming the filter
   *     when none of its nodes passes it
   */
  Mono<Next> select(String service, Filter filter);

  /**
   * Selects the nodes of a service.
   *
   * @param service the service name
   * @return a {@code Mono} of the order in which to try its nodes; it fails with a 404
   *     {@code service X: not found} when the service has no live node
   */
  default Mono<Next> select(String service) {
    return select(service, Filter.any());
  }

  /**
   * Tells the selector that a call to {@code node} starts; {@link #mark} ends it. Strategies that weigh
   * nodes by their load count it. The default does nothing.
   *
   * @param service the service name
   * @param node the node called
   */
  default void started(String service, Node node) {}

  /**
   * Tells the selector how a call to a node ended, so that it can avoid failing nodes. A failure to
   * connect, a timeout (a {@code 408} or {@code 504}, or a {@link java.util.concurrent.TimeoutException}),
   * a {@code 502} or a {@code 503} counts against the node; success clears its record; a
   * {@link java.util.concurrent.CancellationException} says the caller cancelled, which counts neither
   * way; other errors are the endpoint's own and say nothing about the node. The default does nothing.
   *
   * @param service the service name
   * @param node the node called
   * @param error the error, or {@code null} for success
   */
  default void mark(String service, Node node, @Nullable Throwable error) {}

  /**
   * Stops watching the registry and drops the cache; the default does nothing.
   *
   * @return a {@code Mono} that completes once closed
   */
  default Mono<Void> close() {
    return Mono.empty();
  }

  /**
   * Returns a selector that looks services up in {@code registry} and orders nodes by {@code strategy},
   * with the other settings of {@link #builder}.
   *
   * @param registry where services are looked up
   * @param strategy how nodes are ordered
   * @return the selector
   */
  static Selector of(Registry registry, Strategy strategy) {
    return builder(registry).strategy(strategy).build();
  }

  /** Returns a selector that starts each selection at a random node. */
  static Selector random(Registry registry) {
    return of(registry, Strategy.random());
  }

  /** Returns a selector that starts successive selections at successive nodes. */
  static Selector roundRobin(Registry registry) {
    return of(registry, Strategy.roundRobin());
  }

  /** Returns a selector that sends each call to the less loaded of two random nodes. */
  static Selector leastOutstanding(Registry registry) {
    return of(registry, Strategy.leastOutstanding());
  }

  /**
   * Returns a builder of the caching selector over {@code registry}; every other setting has a default.
   *
   * @param registry where services are looked up and watched
   * @return the builder
   */
  static Builder builder(Registry registry) {
    return new Builder(registry);
  }

  /** Builds the caching selector. */
  final class Builder {
    final Registry registry;
    Strategy strategy = Strategy.random();
    Duration backoff = Duration.ofMillis(500);
    Duration maxBackoff = Duration.ofSeconds(30);
    Duration rewatchBackoff = Duration.ofMillis(100);
    Duration maxRewatchBackoff = Duration.ofSeconds(10);
    int maxServices = 1024;
    Duration idleTimeout = Duration.ofMinutes(10);
    Scheduler clock = Schedulers.parallel();

    Builder(Registry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Sets how nodes are ordered; {@link Strategy#random()} by default. */
    public Builder strategy(Strategy strategy) {
      this.strategy = Objects.requireNonNull(strategy, "strategy");
      return this;
    }

    /**
     * Sets how long a failing node is avoided: {@code initial} after its first failure, doubling with
     * each failed probe, at most {@code max}; 500 ms and 30 s by default.
     */
    public Builder backoff(Duration initial, Duration max) {
      requirePositive(initial, "initial");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("the maximum back-off must not be shorter than the initial one");
      }
      this.backoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /**
     * Sets how long to wait before watching the registry again after a watch failed, doubling up to
     * {@code max}; 100 ms and 10 s by default. The cache is kept meanwhile.
     */
    public Builder rewatchBackoff(Duration initial, Duration max) {
      requirePositive(initial, "initial");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("the maximum back-off must not be shorter than the initial one");
      }
      this.rewatchBackoff = initial;
      this.maxRewatchBackoff = max;
      return this;
    }

    /**
     * Sets how many services are cached and watched at most; the least recently selected is dropped to
     * make room. 1024 by default.
     */
    public Builder maxServices(int maxServices) {
      if (maxServices < 1) {
        throw new IllegalArgumentException("maxServices must be positive");
      }
      this.maxServices = maxServices;
      return this;
    }

    /** Sets after how long without a selection a service is dropped from the cache; 10 min by default. */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = requirePositive(idleTimeout, "idleTimeout");
      return this;
    }

    /**
     * Sets the scheduler whose clock times back-offs and idle services, and on which re-watching is
     * delayed; {@link Schedulers#parallel()} by default. Tests pass a virtual-time scheduler.
     */
    public Builder clock(Scheduler clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Builds the selector. */
    public Selector build() {
      return new RegistrySelector(this);
    }

    private static Duration requirePositive(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.isZero() || duration.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return duration;
    }
  }
}
