package io.reactivemicro.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.registry.EndpointInfo;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.RegistryEvent;
import io.reactivemicro.registry.ServiceInfo;
import io.reactivemicro.transport.ConnectionFailedException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class SelectorTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Duration BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(8);

  private static final Node A = Node.of("a", "10.0.0.1:1");
  private static final Node B = Node.of("b", "10.0.0.2:1");
  private static final Node C = Node.of("c", "10.0.0.3:1");

  private final Registry memory = Registry.memory();
  private final FlakyRegistry registry = new FlakyRegistry(memory);
  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  private final List<Selector> selectors = new ArrayList<>();

  @AfterEach
  void disposeSelectors() {
    selectors.forEach(selector -> selector.close().block(TIMEOUT));
    clock.dispose();
  }

  @Test
  void emptyRegistryFailsWithA404NamingTheService() {
    StepVerifier.create(selector(Strategy.roundRobin()).select("helloworld"))
        .expectErrorSatisfies(error -> assertNotFound(error, "service helloworld: not found"))
        .verify(TIMEOUT);
  }

  @Test
  void unknownServiceFailsAtOnceEveryTimeThoughItIsCached() {
    Selector selector = selector(Strategy.random());
    for (int i = 0; i < 3; i++) {
      StepVerifier.create(selector.select("nobody"))
          .expectErrorSatisfies(error -> assertNotFound(error, "service nobody: not found"))
          .verify(TIMEOUT);
    }
  }

  @Test
  void serviceWhoseLastNodeLeftIsNotFound() {
    ServiceInfo info = service("1.0.0", A);
    register(info);
    Selector selector = selector(Strategy.random());
    assertThat(first(selector)).isEqualTo(A);

    memory.deregister(info).block(TIMEOUT);

    StepVerifier.create(selector.select("helloworld"))
        .expectErrorSatisfies(error -> assertNotFound(error, "service helloworld: not found"))
        .verify(TIMEOUT);
  }

  @Test
  void selectionCoversTheNodesOfEveryVersion() {
    register(service("1.0.0", A, B));
    register(service("2.0.0", C));

    StepVerifier.create(selector(Strategy.random()).select("helloworld"))
        .assertNext(next -> assertThat(firstPass(next, 3)).containsExactlyInAnyOrder(A, B, C))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void roundRobinSelectorSpreadsSuccessiveSelections() {
    register(service("1.0.0", A, B));
    Selector selector = selector(Strategy.roundRobin());

    Set<Node> firsts = new HashSet<>();
    for (int i = 0; i < 2; i++) {
      firsts.add(first(selector));
    }

    assertThat(firsts).containsExactlyInAnyOrder(A, B);
  }

  @Test
  void theCacheIsFedByTheWatchNotByLookUps() {
    register(service("1.0.0", A));
    Selector selector = selector(Strategy.random());
    assertThat(first(selector)).isEqualTo(A);

    register(service("1.0.0", B));
    memory.deregister(service("1.0.0", A)).block(TIMEOUT);

    assertThat(first(selector)).isEqualTo(B);
    assertThat(all(selector)).containsExactly(B);
    assertThat(registry.lookUps.get()).as("one look-up, then events only").isEqualTo(1);
  }

  @Test
  void theLastKnownNodesAreServedWhileTheRegistryIsDownThenTheWatchStartsAgain() {
    register(service("1.0.0", A, B));
    Selector selector = selector(Strategy.random());
    assertThat(all(selector)).containsExactlyInAnyOrder(A, B);

    registry.down(true);
    clock.advanceTimeBy(Duration.ofSeconds(30));
    assertThat(registry.watchAttempts.get()).as("the watch is tried again with a back-off").isGreaterThan(2);
    assertThat(all(selector)).containsExactlyInAnyOrder(A, B);

    // Changes made while the watch was down are caught up by the look-up after it starts again.
    memory.deregister(service("1.0.0", A)).block(TIMEOUT);
    register(service("1.0.0", C));
    registry.down(false);
    clock.advanceTimeBy(MAX_BACKOFF.multipliedBy(2));

    assertThat(all(selector)).containsExactlyInAnyOrder(B, C);
    assertThat(registry.activeWatches.get()).isEqualTo(1);
  }

  @Test
  void aRegistryUnreachableAtTheFirstSelectionFailsItWith503AndTheNextOneTriesAgain() {
    register(service("1.0.0", A));
    registry.down(true);
    Selector selector = selector(Strategy.random());

    StepVerifier.create(selector.select("helloworld"))
        .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(MicroException.class,
            e -> assertThat(e.code()).isEqualTo(503)))
        .verify(TIMEOUT);

    registry.down(false);
    assertThat(first(selector)).isEqualTo(A);
  }

  @Test
  void servicesNoOneSelectsAnyMoreAreDropped() {
    register(service("1.0.0", A));
    RegistrySelector selector = (RegistrySelector) track(Selector.builder(registry).clock(clock)
        .idleTimeout(Duration.ofMinutes(1)).build());
    first(selector);
    assertThat(registry.activeWatches.get()).isEqualTo(1);

    clock.advanceTimeBy(Duration.ofMinutes(2));
    StepVerifier.create(selector.select("other")).expectError(MicroException.class).verify(TIMEOUT);

    assertThat(selector.cachedServices()).isEqualTo(1);
    assertThat(registry.activeWatches.get()).as("the idle service's watch is cancelled").isEqualTo(1);
    assertThat(first(selector)).as("and it is looked up again when selected").isEqualTo(A);
  }

  @Test
  void theCacheHoldsAtMostMaxServicesDroppingTheLeastRecentlySelected() {
    RegistrySelector selector = (RegistrySelector) track(Selector.builder(registry).clock(clock).maxServices(2)
        .build());
    for (String name : List.of("s1", "s2", "s1", "s3")) {
      clock.advanceTimeBy(Duration.ofSeconds(1));
      StepVerifier.create(selector.select(name)).expectError(MicroException.class).verify(TIMEOUT);
    }

    assertThat(selector.cachedServices()).isEqualTo(2);
    assertThat(registry.activeWatches.get()).isEqualTo(2);
    assertThat(registry.watched).containsExactlyInAnyOrder("s1", "s3");
  }

  @Test
  void aVersionFilterKeepsTheNodesOfThatVersion() {
    register(service("1.0.0", A, B));
    register(service("2.0.0", C));
    Selector selector = selector(Strategy.random());

    StepVerifier.create(selector.select("helloworld", Filter.any().version("2.0.0")).map(next -> firstPass(next, 3)))
        .assertNext(nodes -> assertThat(nodes).containsOnly(C))
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(selector.select("helloworld", Filter.any().version("3.0.0")))
        .expectErrorSatisfies(error -> assertNotFound(error, "service helloworld: no node with version 3.0.0"))
        .verify(TIMEOUT);
  }

  @Test
  void aMetadataFilterMatchesNodeMetadataOnly() {
    Node canary = new Node("canary", "10.0.0.9:1", Map.of("track", "canary"));
    register(service("1.0.0", A, B));
    register(service("1.0.0", canary));
    register(new ServiceInfo("beta", "1.0.0", Map.of("group", "b"), List.of(), List.of(C)));
    Selector selector = selector(Strategy.random());

    for (int i = 0; i < 10; i++) {
      assertThat(selector.select("helloworld", Filter.any().metadata("track", "canary")).map(Next::next)
          .block(TIMEOUT)).isEqualTo(canary);
    }
    // Registries merge a version's service metadata across its nodes: it cannot tell nodes apart.
    StepVerifier.create(selector.select("beta", Filter.any().metadata("group", "b")))
        .expectErrorSatisfies(error -> assertNotFound(error, "service beta: no node with any version, metadata {group=b}"))
        .verify(TIMEOUT);
  }

  @Test
  void aNodeThatFailedIsAvoidedForItsBackOffThenProbedByOneCallAtATime() {
    register(service("1.0.0", A, B, C));
    Selector selector = selector(Strategy.roundRobin());

    selector.mark("helloworld", A, new ConnectionFailedException(A.address(), new ConnectException("refused")));

    for (int i = 0; i < 6; i++) {
      Next next = select(selector);
      List<Node> pass = firstPass(next, 3);
      assertThat(pass.get(0)).isNotEqualTo(A);
      assertThat(pass.get(2)).as("the avoided node comes last, for fail-over").isEqualTo(A);
    }

    clock.advanceTimeBy(BACKOFF);
    Node probe = firstUntil(selector, A);
    assertThat(probe).isEqualTo(A);
    for (int i = 0; i < 6; i++) {
      assertThat(first(selector)).as("one probe at a time").isNotEqualTo(A);
    }

    selector.mark("helloworld", A, null);
    assertThat(firstUntil(selector, A)).as("success clears the node").isEqualTo(A);
    assertThat(firstUntil(selector, A)).isEqualTo(A);
  }

  @Test
  void aFailedProbeDoublesTheBackOffUpToTheCap() {
    register(service("1.0.0", A, B));
    RegistrySelector selector = (RegistrySelector) selector(Strategy.roundRobin());
    selector.mark("helloworld", A, MicroException.timeout("t", "timed out"));

    Duration expected = BACKOFF;
    for (int round = 0; round < 6; round++) {
      clock.advanceTimeBy(expected.minusMillis(1));
      assertThat(selector.avoided(A)).as("round %d: still backing off", round).isTrue();
      clock.advanceTimeBy(Duration.ofMillis(1));
      assertThat(selector.avoided(A)).isFalse();
      assertThat(firstUntil(selector, A)).isEqualTo(A);
      selector.mark("helloworld", A, MicroException.timeout("t", "timed out"));
      expected = min(expected.multipliedBy(2), MAX_BACKOFF);
    }
    assertThat(expected).isEqualTo(MAX_BACKOFF);
  }

  @Test
  void callsThatWereInFlightWhenTheNodeStartedBackingOffDoNotLengthenIt() {
    register(service("1.0.0", A, B));
    RegistrySelector selector = (RegistrySelector) selector(Strategy.roundRobin());
    for (int i = 0; i < 10; i++) {
      selector.mark("helloworld", A, new IOExceptionLike());
    }
    assertThat(selector.avoided(A)).as("an error of the endpoint's own says nothing of the node").isFalse();

    for (int i = 0; i < 10; i++) {
      selector.mark("helloworld", A, MicroException.serviceUnavailable("t", "connection lost"));
    }
    clock.advanceTimeBy(BACKOFF);

    assertThat(selector.avoided(A)).isFalse();
  }

  @Test
  void whenEveryNodeIsBackingOffOneIsStillTried() {
    register(service("1.0.0", A, B));
    Selector selector = selector(Strategy.random());
    selector.mark("helloworld", A, MicroException.timeout("t", "timed out"));
    clock.advanceTimeBy(Duration.ofMillis(500));
    selector.mark("helloworld", B, MicroException.timeout("t", "timed out"));

    Next next = select(selector);

    assertThat(firstPass(next, 2)).as("the node whose back-off ends first comes first").containsExactly(A, B);
  }

  @Test
  void aCancelledProbeFreesTheSlotForAnother() {
    register(service("1.0.0", A, B));
    Selector selector = selector(Strategy.roundRobin());
    selector.mark("helloworld", A, MicroException.badGateway("t", "bad gateway"));
    clock.advanceTimeBy(BACKOFF);
    assertThat(firstUntil(selector, A)).isEqualTo(A);
    assertThat(first(selector)).isEqualTo(B);
    assertThat(first(selector)).isEqualTo(B);

    selector.mark("helloworld", A, new CancellationException());

    assertThat(firstUntil(selector, A)).isEqualTo(A);
  }

  @Test
  void anErrorOfTheEndpointsOwnClearsTheNode() {
    register(service("1.0.0", A, B));
    RegistrySelector selector = (RegistrySelector) selector(Strategy.roundRobin());
    selector.mark("helloworld", A, MicroException.gatewayTimeout("t", "timed out"));
    assertThat(selector.avoided(A)).isTrue();

    selector.mark("helloworld", A, MicroException.badRequest("t", "no such thing"));

    assertThat(selector.avoided(A)).isFalse();
  }

  @Test
  void leastOutstandingLearnsWhenCallsStartAndEnd() {
    register(service("1.0.0", A, B));
    Selector selector = selector(Strategy.leastOutstanding());
    selector.started("helloworld", A);

    for (int i = 0; i < 20; i++) {
      assertThat(first(selector)).isEqualTo(B);
    }
    selector.mark("helloworld", A, null);
    selector.started("helloworld", B);

    for (int i = 0; i < 20; i++) {
      assertThat(first(selector)).isEqualTo(A);
    }
  }

  @Test
  void aSelectionSaysWhetherTheRegistrationDescribesAnEndpointAsIdempotent() {
    EndpointInfo lookup = new EndpointInfo("Ledger.Lookup", null, null, Map.of("idempotent", "true"));
    EndpointInfo append = new EndpointInfo("Ledger.Append", null, null, Map.of());
    register(new ServiceInfo("ledger", "1.0.0", Map.of(), List.of(lookup, append), List.of(A)));

    Next next = selector(Strategy.random()).select("ledger").block(TIMEOUT);

    assertThat(next).isNotNull();
    assertThat(next.idempotent("Ledger.Lookup")).isTrue();
    assertThat(next.idempotent("Ledger.Append")).isFalse();
    assertThat(next.idempotent("Ledger.Unknown")).isFalse();
  }

  @Test
  void aClosedSelectorStopsWatchingAndRefusesSelections() {
    register(service("1.0.0", A));
    Selector selector = selector(Strategy.random());
    first(selector);

    selector.close().block(TIMEOUT);

    assertThat(registry.activeWatches.get()).isZero();
    StepVerifier.create(selector.select("helloworld")).expectError(IllegalStateException.class).verify(TIMEOUT);
  }

  @Test
  void theBuilderRefusesNonsense() {
    Selector.Builder builder = Selector.builder(registry);
    assertThatThrownBy(() -> builder.backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.maxServices(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.idleTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void filtersMergeWithDefaults() {
    Filter defaults = Filter.any().version("1.0.0").metadata("zone", "eu").metadata("track", "stable");
    Filter call = Filter.any().metadata("track", "canary");

    Filter merged = call.orElse(defaults);

    assertThat(merged.version()).isEqualTo("1.0.0");
    assertThat(merged.metadata()).isEqualTo(Map.of("zone", "eu", "track", "canary"));
    assertThat(Filter.any().isAny()).isTrue();
    assertThat(Filter.any().version("2.0.0").orElse(defaults).version()).isEqualTo("2.0.0");
  }

  private Selector selector(Strategy strategy) {
    return track(Selector.builder(registry).strategy(strategy).clock(clock).backoff(BACKOFF, MAX_BACKOFF)
        .rewatchBackoff(Duration.ofMillis(100), Duration.ofSeconds(2)).build());
  }

  private Selector track(Selector selector) {
    selectors.add(selector);
    return selector;
  }

  private void register(ServiceInfo info) {
    memory.register(info, Duration.ZERO).block(TIMEOUT);
  }

  private static Next select(Selector selector) {
    Next next = selector.select("helloworld").block(TIMEOUT);
    assertThat(next).isNotNull();
    return next;
  }

  private static Node first(Selector selector) {
    return select(selector).next();
  }

  /** Returns the first node of successive selections until it is {@code wanted}, or after ten tries. */
  private static Node firstUntil(Selector selector, Node wanted) {
    Node node = first(selector);
    for (int i = 0; i < 10 && !node.equals(wanted); i++) {
      node = first(selector);
    }
    return node;
  }

  private static Set<Node> all(Selector selector) {
    return new HashSet<>(firstPass(select(selector), 4));
  }

  private static List<Node> firstPass(Next next, int max) {
    List<Node> pass = new ArrayList<>();
    for (int i = 0; i < max; i++) {
      Node node = next.next();
      if (pass.contains(node)) {
        break;
      }
      pass.add(node);
    }
    return pass;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static void assertNotFound(Throwable error, String detail) {
    assertThat(error).isInstanceOfSatisfying(MicroException.class, e -> {
      assertThat(e.code()).isEqualTo(404);
      assertThat(e.detail()).isEqualTo(detail);
    });
  }

  private static ServiceInfo service(String version, Node... nodes) {
    return new ServiceInfo("helloworld", version, Map.of(), List.of(), List.of(nodes));
  }

  /** An error that is neither a connection failure nor a timeout. */
  private static final class IOExceptionLike extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    IOExceptionLike() {
      super(new IOException("bad payload"));
    }
  }

  /**
   * A registry in front of a memory one that can be taken down: look-ups fail and watches end with an
   * error until it is up again. It counts look-ups and watches.
   */
  private static final class FlakyRegistry implements Registry {
    final Registry delegate;
    final AtomicInteger lookUps = new AtomicInteger();
    final AtomicInteger watchAttempts = new AtomicInteger();
    final AtomicInteger activeWatches = new AtomicInteger();
    final List<String> watched = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Sinks.Many<Boolean> outages = Sinks.many().multicast().directBestEffort();
    private volatile boolean down;

    FlakyRegistry(Registry delegate) {
      this.delegate = delegate;
    }

    void down(boolean down) {
      this.down = down;
      if (down) {
        outages.tryEmitNext(true);
      }
    }

    @Override
    public String name() {
      return "flaky";
    }

    @Override
    public Mono<Void> register(ServiceInfo service, Duration ttl) {
      return delegate.register(service, ttl);
    }

    @Override
    public Mono<Void> deregister(ServiceInfo service) {
      return delegate.deregister(service);
    }

    @Override
    public Flux<ServiceInfo> getService(String name) {
      return Flux.defer(() -> {
        lookUps.incrementAndGet();
        return down ? Flux.error(new IOException("registry unreachable")) : delegate.getService(name);
      });
    }

    @Override
    public Flux<ServiceInfo> listServices() {
      return delegate.listServices();
    }

    @Override
    public Flux<RegistryEvent> watch(@Nullable String service) {
      return Flux.defer(() -> {
        watchAttempts.incrementAndGet();
        if (down) {
          return Flux.error(new IOException("registry unreachable"));
        }
        Flux<RegistryEvent> failing = outages.asFlux().next()
            .flatMap(outage -> Mono.<RegistryEvent>error(new IOException("watch lost")))
            .flux();
        return delegate.watch(service).mergeWith(failing)
            .doOnSubscribe(s -> {
              activeWatches.incrementAndGet();
              watched.add(String.valueOf(service));
            })
            .doFinally(s -> {
              activeWatches.decrementAndGet();
              watched.remove(String.valueOf(service));
            });
      });
    }
  }
}
