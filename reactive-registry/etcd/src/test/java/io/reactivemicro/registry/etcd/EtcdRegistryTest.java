package io.reactivemicro.registry.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.DeleteOption;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.RegistryEvent;
import io.reactivemicro.registry.ServiceInfo;
import io.reactivemicro.test.Await;
import io.reactivemicro.test.registry.RegistryContract;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Runs the registry contract against the etcd at 127.0.0.1:2379, under a key prefix of its own. */
class EtcdRegistryTest extends RegistryContract {

  private static final String PREFIX = "/micro-test/" + UUID.randomUUID() + "/";

  private static EtcdRegistry registry;

  @BeforeAll
  static void connect() {
    registry = EtcdRegistry.builder(List.of(EtcdRegistry.DEFAULT_ADDRESS)).prefix(PREFIX).build();
    // The first call opens jetcd's gRPC channel: on a loaded machine that alone can take longer than a
    // call's timeout, so it is made before the tests.
    registry.listServices().then().block(Duration.ofSeconds(60));
  }

  @AfterAll
  static void cleanUp() throws Exception {
    registry.close().block(TIMEOUT);
    try (Client client = Client.builder().endpoints("http://" + EtcdRegistry.DEFAULT_ADDRESS).build()) {
      ByteSequence prefix = ByteSequence.from(PREFIX, StandardCharsets.UTF_8);
      client.getKVClient().delete(prefix, DeleteOption.builder().isPrefix(true).build())
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  protected Registry registry() {
    return registry;
  }

  @Override
  protected Duration shortTtl() {
    // etcd raises shorter leases to its least TTL: 1.5 election timeouts, rounded up to 2 s.
    return Duration.ofSeconds(2);
  }

  @Override
  protected Duration expiryGrace() {
    // etcd checks for expired leases every 500 ms; the rest is room for a loaded machine.
    return Duration.ofSeconds(3);
  }

  @Override
  protected Duration watchWarmUp() {
    // The etcd watch is created by one round trip after subscription.
    return Duration.ofMillis(500);
  }

  @Test
  void nodeOfAProcessThatVanishesWithoutDeregisteringLeavesWithinItsTtl() {
    String name = serviceName("vanishing");
    Node node = Node.of(name + "-1", "10.0.0.1:8080");
    Recorder events = watch(name);
    EtcdRegistry other = EtcdRegistry.builder(List.of(EtcdRegistry.DEFAULT_ADDRESS)).prefix(PREFIX).build();
    other.register(service(name, "1.0.0", node), shortTtl()).block(TIMEOUT);
    assertThat(lookUp(name)).singleElement().satisfies(info -> assertThat(info.nodes()).containsExactly(node));

    other.close().block(TIMEOUT);

    Await.until("the node leaves with its lease", shortTtl().plus(expiryGrace()), () -> lookUp(name).isEmpty());
    StepVerifier.create(events.flux().map(RegistryEvent::type))
        .expectNext(RegistryEvent.Type.CREATE, RegistryEvent.Type.DELETE)
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void nodesAreStoredUnderGoMicrosKeyLayoutAsServiceJson() throws Exception {
    String name = serviceName("layout");
    Node node = new Node(name + "-1", "10.0.0.1:8080", Map.of("transport", "rsocket"));
    register(service(name, "1.0.0", node), Duration.ZERO);

    try (Client client = Client.builder().endpoints("http://" + EtcdRegistry.DEFAULT_ADDRESS).build()) {
      List<KeyValue> kvs = client.getKVClient()
          .get(ByteSequence.from(PREFIX + name + "/" + node.id(), StandardCharsets.UTF_8))
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .getKvs();
      assertThat(kvs).hasSize(1);
      JsonNode json = JsonMapper.builder().build().readTree(kvs.get(0).getValue().getBytes());
      assertThat(json.get("name").asString()).isEqualTo(name);
      assertThat(json.get("version").asString()).isEqualTo("1.0.0");
      assertThat(json.get("nodes")).hasSize(1);
      assertThat(json.get("nodes").get(0).get("id").asString()).isEqualTo(node.id());
      assertThat(json.get("nodes").get(0).get("address").asString()).isEqualTo("10.0.0.1:8080");
      assertThat(json.get("nodes").get(0).get("metadata").get("transport").asString()).isEqualTo("rsocket");
    }
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
  void closingTheRegistryCompletesItsWatchesAndFailsLaterOperations() {
    EtcdRegistry other = EtcdRegistry.builder(List.of(EtcdRegistry.DEFAULT_ADDRESS)).prefix(PREFIX).build();
    String name = serviceName("closing");

    StepVerifier.create(other.watch(name))
        .then(() -> other.close().block(TIMEOUT))
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(other.getService(name))
        .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(MicroException.class)
            .hasMessageContaining("closed"))
        .verify(TIMEOUT);
  }

  @Test
  void settingsChooseTheEtcdRegistry() {
    Registry chosen = Registry.fromSettings(Settings.empty()
        .with("registry", "etcd")
        .with("registry_address", EtcdRegistry.DEFAULT_ADDRESS)
        .with("registry_prefix", PREFIX));
    try {
      assertThat(chosen).isInstanceOf(EtcdRegistry.class);
      assertThat(chosen.name()).isEqualTo("etcd");
      assertThat(((EtcdRegistry) chosen).prefix()).isEqualTo(PREFIX);

      String name = serviceName("from-settings");
      Node node = Node.of(name + "-1", "10.0.0.1:8080");
      StepVerifier.create(chosen.register(service(name, "1.0.0", node), Duration.ZERO)).verifyComplete();
      assertThat(lookUp(name)).singleElement().satisfies(info -> assertThat(info.nodes()).containsExactly(node));
      StepVerifier.create(chosen.deregister(service(name, "1.0.0", node))).verifyComplete();
    } finally {
      chosen.close().block(TIMEOUT);
    }
  }

  @Test
  void unreachableServerFailsWithAClearErrorWithinTheTimeout() {
    EtcdRegistry unreachable = EtcdRegistry.builder(List.of("127.0.0.1:1"))
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
    } finally {
      unreachable.close().block(TIMEOUT);
    }
  }
}
