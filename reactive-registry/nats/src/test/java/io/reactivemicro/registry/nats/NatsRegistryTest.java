package io.reactivemicro.registry.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.RegistryEvent;
import io.reactivemicro.registry.ServiceInfo;
import io.reactivemicro.test.Await;
import io.reactivemicro.test.registry.RegistryContract;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Runs the registry contract against the NATS server at 127.0.0.1:4222, under a subject prefix of its own. */
class NatsRegistryTest extends RegistryContract {

  private static final String PREFIX = "micro-test." + UUID.randomUUID().toString().replace("-", "");
  private static final Duration WINDOW = Duration.ofMillis(300);

  private static NatsRegistry registry;

  @BeforeAll
  static void connect() {
    registry = NatsRegistry.builder(List.of(NatsRegistry.DEFAULT_ADDRESS))
        .prefix(PREFIX).queryWindow(WINDOW).build();
    // The first connection loads jnats (and its crypto provider): on a loaded machine that alone can take
    // longer than an operation's timeout, so it is made before the tests.
    registry.listServices().then().block(Duration.ofSeconds(60));
  }

  @AfterAll
  static void close() {
    registry.close().block(TIMEOUT);
  }

  @Override
  protected Registry registry() {
    return registry;
  }

  @Override
  protected Duration shortTtl() {
    // Long enough that the renewals of registeringAgainBeforeTheTtlKeepsTheNode, each followed by a
    // look-up that lasts the query window, stay well within it on a loaded machine.
    return Duration.ofSeconds(2);
  }

  @Override
  protected Duration watchWarmUp() {
    // The watch subscription is made and flushed on a bounded-elastic thread after subscription.
    return Duration.ofMillis(500);
  }

  @Test
  void nodeOfAProcessThatVanishesWithoutDeregisteringLeavesWithinItsTtl() {
    String name = serviceName("vanishing");
    Node node = Node.of(name + "-1", "10.0.0.1:8080");
    Recorder events = watch(name);
    NatsRegistry other = NatsRegistry.builder(List.of(NatsRegistry.DEFAULT_ADDRESS))
        .prefix(PREFIX).queryWindow(WINDOW).build();
    Duration ttl = Duration.ofSeconds(3);
    other.register(service(name, "1.0.0", node), ttl).block(TIMEOUT);
    Await.value("the other registry's node is found", TIMEOUT, () -> lookUp(name), found -> hasExactly(found, node));
    long closedAt = System.nanoTime();

    other.close().block(TIMEOUT);

    assertThat(lookUp(name)).as("nobody answers for the node of a closed connection").isEmpty();
    StepVerifier.create(events.flux().map(RegistryEvent::type))
        .expectNext(RegistryEvent.Type.CREATE, RegistryEvent.Type.DELETE)
        .thenCancel()
        .verify(ttl.plus(TIMEOUT));
    assertThat(Duration.ofNanos(System.nanoTime() - closedAt))
        .as("the watcher waits for the TTL before it reports the node deleted")
        .isGreaterThanOrEqualTo(ttl.minusMillis(500));
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

  @Test
  void nodesOfSeveralRegistriesAreMerged() {
    String name = serviceName("shared");
    Node mine = Node.of(name + "-1", "10.0.0.1:8080");
    Node theirs = Node.of(name + "-2", "10.0.0.2:8080");
    NatsRegistry other = NatsRegistry.builder(List.of(NatsRegistry.DEFAULT_ADDRESS))
        .prefix(PREFIX).queryWindow(WINDOW).build();
    try {
      register(service(name, "1.0.0", mine), Duration.ofSeconds(30));
      StepVerifier.create(other.register(service(name, "1.0.0", theirs), Duration.ofSeconds(30))).verifyComplete();

      Await.value("this registry sees both nodes", TIMEOUT, () -> lookUp(name), found -> hasExactly(found, mine, theirs));
      Await.value("the other registry sees both nodes", TIMEOUT, () -> other.getService(name).collectList().block(TIMEOUT),
          found -> hasExactly(found, mine, theirs));
    } finally {
      other.close().block(TIMEOUT);
    }
  }

  @Test
  void operationsSubscribedOnNonBlockingThreadsDoNotBlock() {
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

  @Test
  void settingsChooseTheNatsRegistry() {
    Registry chosen = Registry.fromSettings(Settings.empty()
        .with("registry", "nats")
        .with("registry_address", "127.0.0.1:4222")
        .with("registry_prefix", PREFIX));
    try {
      assertThat(chosen).isInstanceOf(NatsRegistry.class);
      assertThat(chosen.name()).isEqualTo("nats");
      assertThat(((NatsRegistry) chosen).prefix()).isEqualTo(PREFIX);

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
    NatsRegistry unreachable = NatsRegistry.builder(List.of("127.0.0.1:1"))
        .timeout(Duration.ofSeconds(1))
        .build();
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
      StepVerifier.create(unreachable.watch(name))
          .expectError(MicroException.class)
          .verify(TIMEOUT);
    } finally {
      unreachable.close().block(TIMEOUT);
    }
  }

  @Test
  void closingTheRegistryCompletesItsWatchesAndFailsLaterOperations() {
    NatsRegistry other = NatsRegistry.builder(List.of(NatsRegistry.DEFAULT_ADDRESS))
        .prefix(PREFIX).queryWindow(WINDOW).build();
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
  }

  /** Returns whether {@code found} is one version holding exactly {@code nodes}. */
  private static boolean hasExactly(List<ServiceInfo> found, Node... nodes) {
    return found.size() == 1 && found.get(0).nodes().size() == nodes.length
        && found.get(0).nodes().containsAll(List.of(nodes));
  }

  @Test
  void serviceNamesBecomeSingleSubjectTokens() {
    assertThat(NatsRegistry.token("helloworld")).isEqualTo("helloworld");
    assertThat(NatsRegistry.token("go.micro.srv.greeter")).isEqualTo("go%2Emicro%2Esrv%2Egreeter");
    assertThat(NatsRegistry.token("a b*>é")).isEqualTo("a%20b%2A%3E%C3%A9");
  }
}
