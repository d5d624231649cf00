package io.reactivemicro.test.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.registry.EndpointInfo;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.RegistryEvent;
import io.reactivemicro.registry.ServiceInfo;
import io.reactivemicro.registry.Value;
import io.reactivemicro.test.ApplicationClient;
import io.reactivemicro.test.Await;
import io.reactivemicro.test.BackendContract;
import io.reactivemicro.test.SharedClientChecks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The behaviour every {@link Registry} shares, as a suite each implementation runs by extending this
 * class, the way Micrometer backends extend {@code MeterRegistryCompatibilityKit}.
 *
 * <p>Every test uses service names of its own, so a backend on a shared server (etcd, NATS) needs no
 * cleaning between tests; what a test registers is deregistered after it. Backends whose expiry or
 * watches are slower than memory's tune the hooks ({@link #shortTtl()}, {@link #expiryGrace()},
 * {@link #watchWarmUp()}) rather than the tests.
 *
 * <p>How a backend is made is tested too, through the hooks of {@link BackendContract}, whose defaults
 * skip those tests: a registry made from {@link #settingsChoosingThisBackend()} must register nodes that
 * {@link #registry()} sees, so the settings name the same server and prefix. Tests of several registries
 * of one backend (another process's, or one that closes) ask {@link #anotherRegistry()} for them.
 *
 * <pre>{@code
 * class EtcdRegistryTest extends RegistryContract {
 *   @Override protected Registry registry() { return registry; }
 *   @Override protected Duration shortTtl() { return Duration.ofSeconds(2); } // etcd's least lease
 * }
 * }</pre>
 */
public abstract class RegistryContract extends BackendContract<Registry> {

  /** How long any single registry operation or expected event may take. */
  protected static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final String prefix = "contract-" + UUID.randomUUID().toString().substring(0, 8) + "-";
  private final List<ServiceInfo> registered = new CopyOnWriteArrayList<>();
  private final List<Disposable> watches = new CopyOnWriteArrayList<>();

  /**
   * Returns the registry under test. It is called several times during a test and must return the same
   * instance throughout one test; a fresh or cleaned one per test is best.
   */
  protected abstract Registry registry();

  /**
   * Returns the TTL of the registrations that are meant to expire: short, but no shorter than the
   * backend allows (etcd leases last at least about two seconds).
   */
  protected Duration shortTtl() {
    return Duration.ofSeconds(1);
  }

  /**
   * Returns how long past its TTL an expired registration may still be seen, and its {@code DELETE}
   * event may still be pending: the backend's sweep or lease-expiry lag.
   */
  protected Duration expiryGrace() {
    return Duration.ofSeconds(2);
  }

  /**
   * Returns how long a watch needs after subscription before it is sure to see changes; zero for
   * backends whose watch is in place once subscribed.
   */
  protected Duration watchWarmUp() {
    return Duration.ZERO;
  }

  /**
   * Returns a new registry of the backend on the server and in the namespace of {@link #registry()}, as
   * another process would have: each sees the nodes the other registered. The test that asks for it closes
   * it. {@code null}, the default, skips the tests of several registries, for backends whose registries do
   * not see each other (memory).
   */
  protected @Nullable Registry anotherRegistry() {
    return null;
  }

  /**
   * Cancels the test's watches and deregisters what it registered. JUnit runs a subclass's own
   * {@code @AfterEach} first, so a registry it has closed by then is tolerated here.
   */
  @AfterEach
  void deregisterWhatTheTestRegistered() {
    watches.forEach(Disposable::dispose);
    for (ServiceInfo service : registered) {
      try {
        registry().deregister(service).timeout(TIMEOUT).onErrorResume(e -> Mono.empty()).block();
      } catch (RuntimeException closed) {
        return;
      }
    }
  }

  // --- register and look up ---

  @Test
  void registeredNodeIsReturnedWithItsAddressAndMetadata() {
    String name = serviceName("lookup");
    Node node = new Node(name + "-1", "10.0.0.1:8080", Map.of("transport", "rsocket", "zone", "eu-1"));
    register(service(name, "1.0.0", node), Duration.ZERO);

    List<ServiceInfo> found = lookUp(name);

    assertThat(found).singleElement().satisfies(info -> {
      assertThat(info.name()).isEqualTo(name);
      assertThat(info.version()).isEqualTo("1.0.0");
      assertThat(info.nodes()).containsExactly(node);
    });
  }

  @Test
  void unknownServiceIsEmpty() {
    StepVerifier.create(registry().getService(serviceName("nobody")))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void nodesOfOneVersionAreMergedIntoOneService() {
    String name = serviceName("merge");
    Node first = Node.of(name + "-1", "10.0.0.1:8080");
    Node second = Node.of(name + "-2", "10.0.0.2:8080");
    register(service(name, "1.0.0", first), Duration.ZERO);
    register(service(name, "1.0.0", second), Duration.ZERO);

    assertThat(lookUp(name)).singleElement().satisfies(info -> {
      assertThat(info.version()).isEqualTo("1.0.0");
      assertThat(info.nodes()).containsExactlyInAnyOrder(first, second);
    });
  }

  @Test
  void eachVersionIsItsOwnService() {
    String name = serviceName("versions");
    Node old = Node.of(name + "-old", "10.0.0.1:8080");
    Node current = Node.of(name + "-new", "10.0.0.2:8080");
    register(service(name, "1.0.0", old), Duration.ZERO);
    register(service(name, "2.0.0", current), Duration.ZERO);

    List<ServiceInfo> found = lookUp(name);

    assertThat(found).hasSize(2);
    assertThat(found).filteredOn(info -> info.version().equals("1.0.0"))
        .singleElement().satisfies(info -> assertThat(info.nodes()).containsExactly(old));
    assertThat(found).filteredOn(info -> info.version().equals("2.0.0"))
        .singleElement().satisfies(info -> assertThat(info.nodes()).containsExactly(current));
  }

  @Test
  void serviceMetadataAndEndpointDescriptionsRoundTripIntact() {
    String name = serviceName("described");
    Value item = new Value("items", "[]Item", List.of(
        new Value("sku", "string", List.of()),
        new Value("quantity", "int64", List.of())));
    Value request = new Value("Order", "Order", List.of(
        new Value("id", "string", List.of()),
        item,
        new Value("counts", "map[string]int32", List.of())));
    Value response = new Value("Receipt", "Receipt", List.of(new Value("total", "float64", List.of())));
    List<EndpointInfo> endpoints = List.of(
        new EndpointInfo("Orders.Place", request, response, Map.of("idempotent", "true")),
        new EndpointInfo("Orders.Watch", null, response, Map.of("stream", "true")));
    ServiceInfo info = new ServiceInfo(name, "3.1.4", Map.of("team", "orders", "region", "eu-west-1"),
        endpoints, List.of(new Node(name + "-1", "10.0.0.1:8080", Map.of("transport", "rsocket"))));
    register(info, Duration.ZERO);

    assertThat(lookUp(name)).containsExactly(info);
  }

  @Test
  void listServicesListsEveryServiceAndVersion() {
    String orders = serviceName("orders");
    String users = serviceName("users");
    Node ordersNode = Node.of(orders + "-1", "10.0.0.1:8080");
    Node usersOld = Node.of(users + "-1", "10.0.0.2:8080");
    Node usersNew = Node.of(users + "-2", "10.0.0.3:8080");
    register(service(orders, "1.0.0", ordersNode), Duration.ZERO);
    register(service(users, "1.0.0", usersOld), Duration.ZERO);
    register(service(users, "2.0.0", usersNew), Duration.ZERO);

    List<ServiceInfo> ours = registry().listServices()
        .filter(info -> info.name().startsWith(prefix))
        .collectList()
        .block(TIMEOUT);

    assertThat(ours)
        .extracting(info -> info.name() + "@" + info.version())
        .containsExactlyInAnyOrder(orders + "@1.0.0", users + "@1.0.0", users + "@2.0.0");
    assertThat(ours)
        .filteredOn(info -> info.name().equals(users) && info.version().equals("2.0.0"))
        .singleElement().satisfies(info -> assertThat(info.nodes()).containsExactly(usersNew));
  }

  // --- deregister ---

  @Test
  void deregisteringANodeRemovesOnlyThatNode() {
    String name = serviceName("deregister");
    Node first = Node.of(name + "-1", "10.0.0.1:8080");
    Node second = Node.of(name + "-2", "10.0.0.2:8080");
    register(service(name, "1.0.0", first), Duration.ZERO);
    register(service(name, "1.0.0", second), Duration.ZERO);

    deregister(service(name, "1.0.0", first));

    assertThat(lookUp(name)).singleElement()
        .satisfies(info -> assertThat(info.nodes()).containsExactly(second));
  }

  @Test
  void serviceDisappearsWithItsLastNode() {
    String name = serviceName("last");
    Node only = Node.of(name + "-1", "10.0.0.1:8080");
    register(service(name, "1.0.0", only), Duration.ZERO);

    deregister(service(name, "1.0.0", only));

    assertThat(lookUp(name)).isEmpty();
    assertThat(registry().listServices().map(ServiceInfo::name).collectList().block(TIMEOUT))
        .doesNotContain(name);
  }

  @Test
  void deregisteringAnUnknownNodeIsNotAnError() {
    String name = serviceName("unknown");
    Node known = Node.of(name + "-1", "10.0.0.1:8080");
    register(service(name, "1.0.0", known), Duration.ZERO);

    StepVerifier.create(registry().deregister(service(name, "1.0.0", Node.of(name + "-ghost", "10.0.0.9:1"))))
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(registry().deregister(service(serviceName("never-registered"), "1.0.0",
            Node.of("ghost", "10.0.0.9:1"))))
        .expectComplete()
        .verify(TIMEOUT);

    assertThat(lookUp(name)).singleElement()
        .satisfies(info -> assertThat(info.nodes()).containsExactly(known));
  }

  // --- time to live ---

  @Test
  void registrationThatIsNotRenewedExpires() {
    String name = serviceName("expiring");
    Node node = Node.of(name + "-1", "10.0.0.1:8080");
    Recorder events = watch(name);
    register(service(name, "1.0.0", node), shortTtl());
    assertThat(lookUp(name)).as("visible before its TTL").isNotEmpty();

    Duration deadline = shortTtl().plus(expiryGrace());
    Await.until("service " + name + " is no longer listed after its TTL", deadline, () -> lookUp(name).isEmpty());

    StepVerifier.create(events.flux().filter(type(RegistryEvent.Type.DELETE)).take(1))
        .assertNext(event -> assertThat(nodeIds(event)).contains(node.id()))
        .expectComplete()
        .verify(deadline.plus(TIMEOUT));
  }

  @Test
  void registeringAgainBeforeTheTtlKeepsTheNode() {
    String name = serviceName("renewed");
    Node node = Node.of(name + "-1", "10.0.0.1:8080");
    ServiceInfo info = service(name, "1.0.0", node);
    Duration ttl = shortTtl();
    Duration renewEvery = ttl.dividedBy(4);
    long firstRegistration = System.nanoTime();
    register(info, ttl);

    // Renew for longer than the TTL and its grace together, so a backend that ignored renewals would
    // have dropped the node by the end: time has to pass here, renewal by renewal.
    Duration span = ttl.plus(expiryGrace()).plus(renewEvery);
    while (System.nanoTime() - firstRegistration < span.toNanos()) {
      pause(renewEvery);
      register(info, ttl);
      assertThat(lookUp(name)).as("listed while renewed").singleElement()
          .satisfies(found -> assertThat(found.nodes()).containsExactly(node));
    }
  }

  // --- watch ---

  @Test
  void watchReportsCreateUpdateAndDelete() {
    String name = serviceName("watched");
    Recorder events = watch(name);
    Node node = new Node(name + "-1", "10.0.0.1:8080", Map.of("weight", "1"));
    Node changed = new Node(name + "-1", "10.0.0.1:8080", Map.of("weight", "2"));

    register(service(name, "1.0.0", node), Duration.ZERO);
    register(service(name, "1.0.0", changed), Duration.ZERO);
    deregister(service(name, "1.0.0", changed));

    StepVerifier.create(events.flux())
        .assertNext(event -> {
          assertThat(event.type()).isEqualTo(RegistryEvent.Type.CREATE);
          assertThat(event.service().name()).isEqualTo(name);
          assertThat(event.service().nodes()).contains(node);
        })
        .assertNext(event -> {
          assertThat(event.type()).isEqualTo(RegistryEvent.Type.UPDATE);
          assertThat(event.service().nodes()).contains(changed);
        })
        .assertNext(event -> {
          assertThat(event.type()).isEqualTo(RegistryEvent.Type.DELETE);
          assertThat(nodeIds(event)).contains(node.id());
        })
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void watchOfOneServiceSkipsTheOthers() {
    String watched = serviceName("watched");
    String other = serviceName("other");
    Recorder events = watch(watched);

    register(service(other, "1.0.0", Node.of(other + "-1", "10.0.0.2:8080")), Duration.ZERO);
    register(service(watched, "1.0.0", Node.of(watched + "-1", "10.0.0.1:8080")), Duration.ZERO);
    deregister(service(other, "1.0.0", Node.of(other + "-1", "10.0.0.2:8080")));
    deregister(service(watched, "1.0.0", Node.of(watched + "-1", "10.0.0.1:8080")));

    StepVerifier.create(events.flux().map(event -> event.type() + " " + event.service().name()))
        .expectNext("CREATE " + watched, "DELETE " + watched)
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void watchOfEveryServiceSeesThemAll() {
    String first = serviceName("first");
    String second = serviceName("second");
    Recorder events = watch(null);

    register(service(first, "1.0.0", Node.of(first + "-1", "10.0.0.1:8080")), Duration.ZERO);
    register(service(second, "1.0.0", Node.of(second + "-1", "10.0.0.2:8080")), Duration.ZERO);

    StepVerifier.create(events.flux()
            .filter(event -> event.service().name().startsWith(prefix))
            .map(event -> event.type() + " " + event.service().name()))
        .expectNext("CREATE " + first, "CREATE " + second)
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void registeringAgainAfterExpiryBringsTheNodeBack() {
    String name = serviceName("back-again");
    Node node = Node.of(name + "-1", "10.0.0.1:8080");
    ServiceInfo info = service(name, "1.0.0", node);
    Recorder events = watch(name);
    register(info, shortTtl());
    Await.until("the node leaves after its TTL", shortTtl().plus(expiryGrace()), () -> lookUp(name).isEmpty());

    register(info, shortTtl());

    assertThat(lookUp(name)).singleElement().satisfies(found -> assertThat(found.nodes()).containsExactly(node));
    StepVerifier.create(events.flux().map(RegistryEvent::type))
        .expectNext(RegistryEvent.Type.CREATE, RegistryEvent.Type.DELETE, RegistryEvent.Type.CREATE)
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void renewingAnUnchangedNodeReportsNoUpdate() {
    String name = serviceName("quiet-renewal");
    ServiceInfo info = service(name, "1.0.0", Node.of(name + "-1", "10.0.0.1:8080"));
    Recorder events = watch(name);

    register(info, Duration.ofSeconds(30));
    register(info, Duration.ofSeconds(30));
    register(info, Duration.ofSeconds(30));
    deregister(info);

    StepVerifier.create(events.flux().map(RegistryEvent::type))
        .expectNext(RegistryEvent.Type.CREATE, RegistryEvent.Type.DELETE)
        .thenCancel()
        .verify(TIMEOUT);
  }

  // --- threads ---

  @Test
  void operationsSubscribedOnNonBlockingThreadsDoNotBlock() {
    Registry registry = registry();
    String name = serviceName("non-blocking");
    ServiceInfo info = service(name, "1.0.0", Node.of(name + "-1", "10.0.0.1:8080"));
    Recorder events = watch(name);

    StepVerifier.create(registry.register(info, Duration.ofSeconds(30)).subscribeOn(Schedulers.parallel())
            .then(registry.register(info, Duration.ofSeconds(30)).subscribeOn(Schedulers.parallel()))
            .thenMany(registry.getService(name).subscribeOn(Schedulers.parallel()))
            .concatWith(registry.listServices().subscribeOn(Schedulers.parallel()).filter(s -> s.name().equals(name)))
            .concatWith(registry.deregister(info).subscribeOn(Schedulers.parallel()).then(Mono.empty())))
        .expectNextCount(2)
        .expectComplete()
        .verify(TIMEOUT);
    Disposable watching = registry.watch(name).subscribeOn(Schedulers.parallel()).subscribe();
    StepVerifier.create(Mono.delay(watchWarmUp()).then(Mono.fromRunnable(watching::dispose))
            .subscribeOn(Schedulers.parallel()))
        .verifyComplete();
    StepVerifier.create(events.flux().map(RegistryEvent::type))
        .expectNext(RegistryEvent.Type.CREATE, RegistryEvent.Type.DELETE)
        .thenCancel()
        .verify(TIMEOUT);
  }

  // --- several registries ---

  @Test
  void nodesOfSeveralRegistriesAreMerged() {
    Registry other = orSkip(anotherRegistry(), "registries of the backend do not see each other");
    String name = serviceName("shared");
    Node mine = Node.of(name + "-1", "10.0.0.1:8080");
    Node theirs = Node.of(name + "-2", "10.0.0.2:8080");
    try {
      register(service(name, "1.0.0", mine), Duration.ofSeconds(30));
      StepVerifier.create(other.register(service(name, "1.0.0", theirs), Duration.ofSeconds(30))).verifyComplete();

      Await.value("this registry sees both nodes", TIMEOUT, () -> lookUp(name),
          found -> hasExactly(found, mine, theirs));
      Await.value("the other registry sees both nodes", TIMEOUT,
          () -> other.getService(name).collectList().block(TIMEOUT), found -> hasExactly(found, mine, theirs));
    } finally {
      other.close().block(TIMEOUT);
    }
  }

  @Test
  void nodeOfARegistryClosedWithoutDeregisteringLeavesWithinItsTtl() {
    Registry other = orSkip(anotherRegistry(), "registries of the backend do not see each other");
    String name = serviceName("vanishing");
    Node node = Node.of(name + "-1", "10.0.0.1:8080");
    Recorder events = watch(name);
    try {
      other.register(service(name, "1.0.0", node), shortTtl()).block(TIMEOUT);
      Await.value("the other registry's node is found", TIMEOUT, () -> lookUp(name), found -> hasExactly(found, node));
    } finally {
      other.close().block(TIMEOUT);
    }

    Duration deadline = shortTtl().plus(expiryGrace());
    Await.until("the node leaves with its TTL", deadline, () -> lookUp(name).isEmpty());
    StepVerifier.create(events.flux().map(RegistryEvent::type))
        .expectNext(RegistryEvent.Type.CREATE, RegistryEvent.Type.DELETE)
        .thenCancel()
        .verify(deadline.plus(TIMEOUT));
  }

  @Test
  void closingARegistryCompletesItsWatchesAndFailsLaterOperations() {
    Registry other = orSkip(anotherRegistry(), "registries of the backend do not see each other");
    String name = serviceName("closing");
    StepVerifier.create(other.register(service(name, "1.0.0", Node.of(name + "-1", "10.0.0.1:8080")),
        Duration.ofSeconds(30))).verifyComplete();

    StepVerifier.create(other.watch(name))
        .then(() -> other.close().block(TIMEOUT))
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(other.getService(name))
        .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(MicroException.class)
            .hasMessageContaining("closed"))
        .verify(TIMEOUT);
    StepVerifier.create(other.close()).as("closing again").expectComplete().verify(TIMEOUT);
  }

  // --- making registries ---

  @Test
  void settingsChooseThisBackendWithItsNamespace() {
    Settings settings = settings();
    Registry chosen = Registry.fromSettings(settings);
    try {
      assertThat(chosen).hasSameClassAs(registry());
      assertThat(chosen.name()).isEqualTo(settings.get("registry").orElseThrow());
      assertChosen(chosen);

      String name = serviceName("from-settings");
      Node node = Node.of(name + "-1", "10.0.0.1:8080");
      StepVerifier.create(chosen.register(service(name, "1.0.0", node), Duration.ofSeconds(30))).verifyComplete();
      Await.value("the node registered through the settings' registry is found", TIMEOUT, () -> lookUp(name),
          found -> hasExactly(found, node));
      StepVerifier.create(chosen.deregister(service(name, "1.0.0", node))).verifyComplete();
      assertThat(lookUp(name)).isEmpty();
    } finally {
      chosen.close().block(TIMEOUT);
    }
  }

  @Test
  void unreachableServerFailsWithAClearErrorWithinTheTimeout() {
    Registry unreachable = orSkip(unreachable(), "the backend has no server to be unreachable");
    try {
      String name = serviceName("unreachable");
      StepVerifier.create(unreachable.register(service(name, "1.0.0", Node.of(name + "-1", "10.0.0.1:1")),
              Duration.ofSeconds(10)))
          .expectErrorSatisfies(error -> {
            assertThat(error).isInstanceOf(MicroException.class);
            assertThat(((MicroException) error).code()).isEqualTo(503);
            assertThat(error.getMessage()).contains("127.0.0.1:1");
          })
          .verify(TIMEOUT);
      StepVerifier.create(unreachable.getService(name))
          .expectError(MicroException.class)
          .verify(TIMEOUT);
    } finally {
      unreachable.close().block(TIMEOUT);
    }
  }

  @Test
  void registriesFromSettingsShareOneClientUntilTheLastCloses() {
    String key = orSkip(sharedClientKey(), "registries from settings share no client");
    Settings settings = settings();
    String name = serviceName("shared-client");
    Node node = Node.of(name + "-1", "10.0.0.1:1");
    ServiceInfo service = service(name, "1.0.0", node);
    SharedClientChecks.shareOneClientUntilTheLastCloses(key, () -> Registry.fromSettings(settings), Registry::close,
        (first, second) -> {
          // The first look-up of each registry connects (and loads the client library): made before the timed ones.
          first.listServices().then(second.listServices().then()).block(TIMEOUT);
          second.register(service, Duration.ofSeconds(30)).block(TIMEOUT);
          Await.value("the node registered through the other registry is found", TIMEOUT,
              () -> first.getService(name).collectList().block(TIMEOUT), found -> hasExactly(found, node));
        },
        second -> {
          expectTheOneNode(second, name);
          second.deregister(service).block(TIMEOUT);
        });
  }

  @Test
  void registriesFromSettingsCreatedAndClosedConcurrentlyAllWorkAndReleaseTheClient() throws Exception {
    String key = orSkip(sharedClientKey(), "registries from settings share no client");
    Settings settings = settings();
    SharedClientChecks.createdAndClosedConcurrently(key, () -> Registry.fromSettings(settings), Registry::close,
        (registry, thread) -> {
          String name = serviceName("concurrent-" + thread);
          ServiceInfo service = service(name, "1.0.0", Node.of(name + "-1", "10.0.0.1:1"));
          StepVerifier.create(registry.register(service, Duration.ofSeconds(30)).then(registry.deregister(service)))
              .expectComplete()
              .verify(TIMEOUT);
        });
  }

  /**
   * Two registries on the application's client: the first registers, without TTL, one node of a service
   * that the second sees created through its watch and then looks up. The registration outlives the two
   * registries. A third registry, made after they closed, registers, looks up and deregisters a node of
   * another service.
   */
  @Test
  void registriesOnAClientOfTheApplicationLeaveItOpenWhenTheyClose() throws Exception {
    ApplicationClient<Registry> client = orSkip(applicationClient(), "the backend takes no client");
    String name = serviceName("application-client");
    ServiceInfo service = service(name, "1.0.0", Node.of(name + "-1", "10.0.0.1:1"));
    String later = serviceName("application-client-later");
    ServiceInfo laterService = service(later, "1.0.0", Node.of(later + "-1", "10.0.0.1:1"));
    SharedClientChecks.leftOpenByBackendsBuiltOnIt(client, Registry::close, (first, second) -> {
      StepVerifier.create(second.watch(name).map(RegistryEvent::type))
          .thenAwait(watchWarmUp())
          .then(() -> first.register(service, Duration.ZERO).block(TIMEOUT))
          .expectNext(RegistryEvent.Type.CREATE)
          .thenCancel()
          .verify(TIMEOUT);
      expectTheOneNode(second, name);
    }, third -> {
      third.register(laterService, Duration.ofSeconds(30)).block(TIMEOUT);
      expectTheOneNode(third, later);
      third.deregister(laterService).block(TIMEOUT);
    });
  }

  // --- helpers for subclasses' own tests ---

  /** Returns a service name unique to this test, so tests on a shared backend do not see each other. */
  protected final String serviceName(String base) {
    return prefix + base;
  }

  /** Returns a service with no metadata or endpoints and the given nodes. */
  protected static ServiceInfo service(String name, String version, Node... nodes) {
    return new ServiceInfo(name, version, Map.of(), List.of(), List.of(nodes));
  }

  /** Registers a service and waits for the registration to complete; it is deregistered after the test. */
  protected final void register(ServiceInfo service, Duration ttl) {
    registered.add(service);
    StepVerifier.create(registry().register(service, ttl)).expectComplete().verify(TIMEOUT);
  }

  /** Deregisters a service and waits for it to complete. */
  protected final void deregister(ServiceInfo service) {
    StepVerifier.create(registry().deregister(service)).expectComplete().verify(TIMEOUT);
  }

  /** Looks a service up and returns every version found. */
  protected final List<ServiceInfo> lookUp(String name) {
    List<ServiceInfo> found = registry().getService(name).collectList().block(TIMEOUT);
    return found == null ? List.of() : found;
  }

  /**
   * Starts watching, records every event, and waits out {@link #watchWarmUp()}. The watch is cancelled
   * after the test.
   *
   * @param service the service to watch, or {@code null} for all
   * @return the recorded events
   */
  protected final Recorder watch(@Nullable String service) {
    Recorder recorder = new Recorder();
    watches.add(registry().watch(service).subscribe(recorder::next, recorder::error));
    // The Registry API says nothing when a watch is in place, so the backend's warm-up is waited out.
    if (!watchWarmUp().isZero()) {
      pause(watchWarmUp());
    }
    return recorder;
  }

  /** Returns whether {@code found} is one version holding exactly {@code nodes}. */
  protected static boolean hasExactly(List<ServiceInfo> found, Node... nodes) {
    return found.size() == 1 && found.get(0).nodes().size() == nodes.length
        && found.get(0).nodes().containsAll(List.of(nodes));
  }

  /** Expects {@code registry} to find the one node, {@code <name>-1}, of the service {@code name}. */
  private static void expectTheOneNode(Registry registry, String name) {
    StepVerifier.create(registry.getService(name).map(found -> found.nodes().get(0).id()))
        .expectNext(name + "-1")
        .expectComplete()
        .verify(TIMEOUT);
  }

  private static Predicate<RegistryEvent> type(RegistryEvent.Type type) {
    return event -> event.type() == type;
  }

  private static List<String> nodeIds(RegistryEvent event) {
    List<String> ids = new ArrayList<>();
    event.service().nodes().forEach(node -> ids.add(node.id()));
    return ids;
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The events a watch has delivered, replayed to every subscriber of {@link #flux()}. */
  protected static final class Recorder {
    private final Sinks.Many<RegistryEvent> events = Sinks.many().replay().all();

    private void next(RegistryEvent event) {
      events.tryEmitNext(event);
    }

    private void error(Throwable error) {
      events.tryEmitError(error);
    }

    /** Returns every event so far and those to come; it fails if the watch fails. */
    public Flux<RegistryEvent> flux() {
      return events.asFlux();
    }
  }
}
