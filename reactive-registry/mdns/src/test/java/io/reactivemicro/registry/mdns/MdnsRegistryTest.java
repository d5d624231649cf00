package io.reactivemicro.registry.mdns;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.registry.EndpointInfo;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.RegistryEvent;
import io.reactivemicro.registry.ServiceInfo;
import io.reactivemicro.registry.Value;
import io.reactivemicro.test.Await;
import io.reactivemicro.test.registry.RegistryContract;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * The registry contract over mDNS, plus what only a network registry shows: several registries (as on
 * several machines) seeing each other, nodes vanishing without goodbye, descriptions larger than a TXT
 * string. Runs in a loopback-only network namespace.
 */
class MdnsRegistryTest extends RegistryContract {

  private static final Duration QUERY_TIMEOUT = Duration.ofMillis(300);

  private final List<Registry> opened = new CopyOnWriteArrayList<>();
  private final List<Disposable> watches = new CopyOnWriteArrayList<>();
  private MdnsRegistry registry;

  @BeforeAll
  static void runsInALoopbackOnlyNetworkNamespace() throws Exception {
    LoopbackNamespace.check();
  }

  @BeforeEach
  void freshRegistry() {
    registry = newRegistry();
  }

  @AfterEach
  void closeRegistries() {
    watches.forEach(Disposable::dispose);
    opened.forEach(r -> r.close().block(TIMEOUT));
  }

  @Override
  protected Registry registry() {
    return registry;
  }

  @Override
  protected Duration expiryGrace() {
    return Duration.ofSeconds(3);
  }

  private MdnsRegistry newRegistry() {
    MdnsRegistry created = MdnsRegistry.builder().queryTimeout(QUERY_TIMEOUT).build();
    opened.add(created);
    return created;
  }

  /** Registers through another registry, as another machine would; deregistered by the test if need be. */
  private static void registerOn(Registry other, ServiceInfo service, Duration ttl) {
    StepVerifier.create(other.register(service, ttl)).expectComplete().verify(TIMEOUT);
  }

  private static List<ServiceInfo> lookUpOn(Registry other, String name) {
    List<ServiceInfo> found = other.getService(name).collectList().block(TIMEOUT);
    return found == null ? List.of() : found;
  }

  private static List<Node> nodesOn(Registry other, String name) {
    List<Node> nodes = new ArrayList<>();
    lookUpOn(other, name).forEach(info -> nodes.addAll(info.nodes()));
    return nodes;
  }

  @Test
  void twoRegistriesSeeEachOthersNodes() {
    MdnsRegistry other = newRegistry();
    String name = serviceName("pair");
    Node here = Node.of(name + "-here", "127.0.0.1:8081");
    Node there = Node.of(name + "-there", "127.0.0.1:8082");

    register(service(name, "1.0.0", here), Duration.ofSeconds(30));
    registerOn(other, service(name, "1.0.0", there), Duration.ofSeconds(30));

    Await.value("the first registry sees both nodes", TIMEOUT, () -> nodesOn(registry, name),
        nodes -> nodes.containsAll(List.of(here, there)));
    Await.value("the second registry sees both nodes", TIMEOUT, () -> nodesOn(other, name),
        nodes -> nodes.containsAll(List.of(here, there)));
    assertThat(lookUpOn(other, name)).singleElement()
        .satisfies(info -> assertThat(info.nodes()).containsExactlyInAnyOrder(here, there));
  }

  @Test
  void aRegistryStartedLaterFindsNodesAlreadyRegistered() {
    String name = serviceName("early");
    Node node = Node.of(name + "-1", "127.0.0.1:8081");
    register(service(name, "1.0.0", node), Duration.ZERO);

    // Its first look-up asks the network and waits for the answers.
    MdnsRegistry late = newRegistry();

    assertThat(lookUpOn(late, name)).singleElement()
        .satisfies(info -> assertThat(info.nodes()).containsExactly(node));
  }

  @Test
  void anotherRegistryWatchesCreateUpdateAndGoodbye() {
    MdnsRegistry other = newRegistry();
    String name = serviceName("remote-watch");
    Flux<RegistryEvent> events = watchOn(other, name);
    Node node = new Node(name + "-1", "127.0.0.1:8081", Map.of("weight", "1"));
    Node changed = new Node(name + "-1", "127.0.0.1:8081", Map.of("weight", "2"));

    register(service(name, "1.0.0", node), Duration.ZERO);
    StepVerifier.create(events.take(1))
        .assertNext(event -> {
          assertThat(event.type()).isEqualTo(RegistryEvent.Type.CREATE);
          assertThat(event.service().nodes()).containsExactly(node);
        })
        .expectComplete()
        .verify(TIMEOUT);
    register(service(name, "1.0.0", changed), Duration.ZERO);
    StepVerifier.create(events.skip(1).take(1))
        .assertNext(event -> {
          assertThat(event.type()).isEqualTo(RegistryEvent.Type.UPDATE);
          assertThat(event.service().nodes()).containsExactly(changed);
        })
        .expectComplete()
        .verify(TIMEOUT);
    // Registered for ever (records of 120 s): only the goodbye can remove it within the timeout.
    deregister(service(name, "1.0.0", changed));

    StepVerifier.create(events.skip(2).take(1))
        .assertNext(event -> {
          assertThat(event.type()).isEqualTo(RegistryEvent.Type.DELETE);
          assertThat(event.service().nodes()).containsExactly(changed);
        })
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(lookUpOn(other, name)).isEmpty();
  }

  @Test
  void aNodeWhoseRegistryVanishesWithoutGoodbyeDisappearsWithinItsTtl() {
    MdnsRegistry vanishing = newRegistry();
    String name = serviceName("vanishing");
    Node node = Node.of(name + "-1", "127.0.0.1:8081");
    Recorder events = watch(name);
    Duration ttl = Duration.ofSeconds(2);
    registerOn(vanishing, service(name, "1.0.0", node), ttl);
    Await.until("the node appears", TIMEOUT, () -> nodesOn(registry, name).contains(node));

    // Closing sends no goodbye, as when the process is killed.
    vanishing.close().block(TIMEOUT);
    long closedAt = System.nanoTime();

    StepVerifier.create(events.flux().filter(event -> event.type() == RegistryEvent.Type.DELETE).take(1))
        .assertNext(event -> assertThat(event.service().nodes()).containsExactly(node))
        .expectComplete()
        .verify(ttl.plus(expiryGrace()));
    assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(ttl.plus(expiryGrace()));
    assertThat(lookUpOn(registry, name)).isEmpty();
  }

  @Test
  void aNodeRenewedByAnotherRegistryStaysPastItsTtl() {
    MdnsRegistry other = newRegistry();
    String name = serviceName("renewed-remote");
    ServiceInfo info = service(name, "1.0.0", Node.of(name + "-1", "127.0.0.1:8081"));
    Duration ttl = Duration.ofSeconds(2);
    Recorder events = watch(name);
    registerOn(other, info, ttl);
    Await.until("the node appears", TIMEOUT, () -> nodesOn(registry, name).size() == 1);
    long start = System.nanoTime();

    // Time has to pass here: renewed every quarter of the TTL for three TTLs, the node never leaves.
    while (System.nanoTime() - start < ttl.multipliedBy(3).toNanos()) {
      registerOn(other, info, ttl);
      assertThat(nodesOn(registry, name)).as("listed while renewed").hasSize(1);
      StepVerifier.create(Mono.delay(ttl.dividedBy(4))).expectNextCount(1).expectComplete().verify(TIMEOUT);
    }

    List<RegistryEvent.Type> types = events.flux().take(Duration.ofMillis(200)).map(RegistryEvent::type)
        .collectList().block(TIMEOUT);
    assertThat(types).containsExactly(RegistryEvent.Type.CREATE);
  }

  @Test
  void descriptionsLargerThanATxtStringRoundTripBetweenRegistries() {
    MdnsRegistry other = newRegistry();
    String name = serviceName("large");
    Map<String, String> metadata = new LinkedHashMap<>();
    for (int i = 0; i < 8; i++) {
      metadata.put("key-" + i, UUID.randomUUID() + "-" + UUID.randomUUID());
    }
    metadata.put("long", "x".repeat(2000));
    List<EndpointInfo> endpoints = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Value request = new Value("Request" + i, "Request" + i, List.of(
          new Value("name", "string", List.of()),
          new Value("items", "[]Item", List.of(new Value("sku", "string", List.of())))));
      endpoints.add(new EndpointInfo("Big.Method" + i, request, null, Map.of("stream", "true")));
    }
    ServiceInfo info = new ServiceInfo(name, "1.2.3", metadata, endpoints,
        List.of(new Node(name + "-1", "127.0.0.1:8081", Map.of("token", UUID.randomUUID().toString().repeat(10)))));
    assertThat(TxtPayload.encode("id", info).size()).as("TXT strings").isGreaterThan(3);

    registerOn(other, info, Duration.ofSeconds(30));

    Await.until("the large service appears", TIMEOUT, () -> !lookUpOn(registry, name).isEmpty());
    assertThat(lookUpOn(registry, name)).containsExactly(info);
  }

  @Test
  void aDescriptionTooLargeForOnePacketIsRefusedWith413() {
    String name = serviceName("too-large");
    Map<String, String> metadata = new LinkedHashMap<>();
    for (int i = 0; i < 400; i++) {
      metadata.put("key-" + i, UUID.randomUUID().toString());
    }
    ServiceInfo info = new ServiceInfo(name, "1.0.0", metadata, List.of(),
        List.of(Node.of(name + "-1", "127.0.0.1:8081")));

    StepVerifier.create(registry.register(info, Duration.ofSeconds(30)))
        .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(MicroException.class,
            e -> assertThat(e.code()).isEqualTo(413)))
        .verify(TIMEOUT);
    assertThat(lookUp(name)).isEmpty();
  }

  @Test
  void malformedAndForeignPacketsOnTheNetworkAreIgnored() throws Exception {
    String name = serviceName("after-garbage");
    Recorder events = watch(null);
    assertThat(lookUp(name)).isEmpty();
    String instance = "intruder._micro._tcp.local.";
    List<byte[]> packets = List.of(
        new byte[] {1, 2, 3},
        new byte[] {0, 0, (byte) 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, (byte) 0xC0, 12},
        DnsMessage.response(List.of(DnsMessage.DnsRecord.txt(instance, List.of("path=/", "foo=bar"), 120))).encode(),
        DnsMessage.response(List.of(DnsMessage.DnsRecord.txt(instance,
            List.of("txtvers=1", "r=someone", "d=bm90IHpsaWI"), 120))).encode(),
        DnsMessage.response(List.of(DnsMessage.DnsRecord.txt(instance,
            List.of("txtvers=1", "r=someone", "d=!!!"), 120))).encode());
    try (DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET)) {
      channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, NetworkInterface.getByName("lo"));
      for (byte[] packet : packets) {
        channel.send(ByteBuffer.wrap(packet), new InetSocketAddress("224.0.0.251", MdnsRegistry.DEFAULT_PORT));
      }
    }

    MdnsRegistry other = newRegistry();
    Node node = Node.of(name + "-1", "127.0.0.1:8081");
    registerOn(other, service(name, "1.0.0", node), Duration.ofSeconds(30));

    Await.until("the registry still hears the network", TIMEOUT, () -> nodesOn(registry, name).contains(node));
    StepVerifier.create(events.flux().take(1))
        .assertNext(event -> assertThat(event.service().name()).isEqualTo(name))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void theSameNodeIdInTwoServicesIsTwoNodes() {
    String first = serviceName("first");
    String second = serviceName("second");
    register(service(first, "1.0.0", Node.of("shared-id", "127.0.0.1:8081")), Duration.ZERO);
    register(service(second, "1.0.0", Node.of("shared-id", "127.0.0.1:8082")), Duration.ZERO);

    assertThat(nodesOn(registry, first)).extracting(Node::address).containsExactly("127.0.0.1:8081");
    assertThat(nodesOn(registry, second)).extracting(Node::address).containsExactly("127.0.0.1:8082");
    assertThat(MdnsRegistry.label(first, "shared-id")).isNotEqualTo(MdnsRegistry.label(second, "shared-id"));
  }

  @Test
  void settingsChooseTheRegistryAndItsInterface() {
    Registry chosen = Registry.fromSettings(Settings.of(
        Map.of("MICRO_REGISTRY", "mdns", "MICRO_REGISTRY_INTERFACE", "lo")));
    opened.add(chosen);
    assertThat(chosen).isInstanceOf(MdnsRegistry.class);
    assertThat(chosen.name()).isEqualTo("mdns");
    String name = serviceName("by-settings");
    Node node = Node.of(name + "-1", "127.0.0.1:8081");
    registerOn(chosen, service(name, "1.0.0", node), Duration.ofSeconds(30));

    Await.until("the node is seen from the default interface", TIMEOUT, () -> nodesOn(registry, name).contains(node));

    Registry byAddress = Registry.fromSettings(Settings.fromEnvironment("--registry=mdns",
        "--registry_interface=127.0.0.1"));
    opened.add(byAddress);
    assertThat(nodesOn(byAddress, name)).containsExactly(node);
  }

  @Test
  void anUnknownInterfaceFailsTheFirstOperationWith400() {
    Registry wrong = Registry.fromSettings(Settings.fromEnvironment("--registry=mdns",
        "--registry_interface=eth-missing-0"));
    opened.add(wrong);

    StepVerifier.create(wrong.getService("anything"))
        .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.detail()).contains("eth-missing-0").contains("lo");
        }))
        .verify(TIMEOUT);
  }

  @Test
  void closingCompletesWatchersStopsTheThreadsAndFailsLaterOperationsWith503() {
    MdnsRegistry closing = newRegistry();
    assertThat(closing.getService("anything").collectList().block(TIMEOUT)).isEmpty();
    assertThat(threadsOf(closing)).as("threads while open").hasSize(2);

    StepVerifier.create(closing.watch(null))
        .then(() -> closing.close().block(TIMEOUT))
        .expectComplete()
        .verify(TIMEOUT);

    Await.value("the registry's threads end", TIMEOUT, () -> threadsOf(closing), List::isEmpty);

    StepVerifier.create(closing.getService("anything"))
        .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(MicroException.class,
            e -> assertThat(e.code()).isEqualTo(503)))
        .verify(TIMEOUT);
    StepVerifier.create(closing.close()).expectComplete().verify(TIMEOUT);
  }

  @Test
  void theDefaultInterfaceHereIsLoopback() {
    assertThat(MdnsRegistry.chooseInterface(null).getName()).isEqualTo("lo");
  }

  private static List<String> threadsOf(MdnsRegistry registry) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.endsWith(registry.id()))
        .toList();
  }

  /** Watches {@code name} on {@code other}, replaying what it saw to every subscriber of the result. */
  private Flux<RegistryEvent> watchOn(Registry other, String name) {
    Sinks.Many<RegistryEvent> events = Sinks.many().replay().all();
    watches.add(other.watch(name).subscribe(events::tryEmitNext, events::tryEmitError));
    return events.asFlux();
  }
}
