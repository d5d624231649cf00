package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.RpcTestSupport.LOOPBACK;
import static io.reactivemicro.rsocket.RpcTestSupport.TIMEOUT;
import static io.reactivemicro.rsocket.RpcTestSupport.micro;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.Service;
import io.reactivemicro.client.Client;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.registry.MemoryRegistry;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.RegistryEvent;
import io.reactivemicro.registry.ServiceInfo;
import io.reactivemicro.rsocket.RpcTestSupport.Reply;
import io.reactivemicro.rsocket.RpcTestSupport.Req;
import io.reactivemicro.server.Endpoint;
import io.reactivemicro.test.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * Three instances of a service behind one memory registry; while a client calls them, one is stopped
 * gracefully and one is killed: its connections are cut without draining, and it stops re-registering
 * without deregistering, as a crashed process does. Calls to an idempotent endpoint all succeed; calls
 * to the other endpoint never run twice.
 */
class ClusterFailoverTest {

  private static final Duration TTL = Duration.ofSeconds(2);
  private static final Duration INTERVAL = Duration.ofMillis(500);

  /** Endpoints {@code Inventory.*}; executions are counted per request across every instance. */
  public static final class Inventory {
    final String instance;
    final Map<String, AtomicInteger> executions;
    final AtomicInteger served = new AtomicInteger();

    Inventory(String instance, Map<String, AtomicInteger> executions) {
      this.instance = instance;
      this.executions = executions;
    }

    /** Idempotent: reads only. The short pause keeps calls in flight when an instance goes. */
    @Endpoint(idempotent = true)
    public Mono<Reply> lookup(Req request) {
      return Mono.delay(Duration.ofMillis(5)).map(tick -> {
        served.incrementAndGet();
        return new Reply(instance + " " + request.name());
      });
    }

    /** Not idempotent: each execution reserves an item. */
    public Mono<Reply> reserve(Req request) {
      return Mono.fromSupplier(() -> executions.computeIfAbsent(request.name(), k -> new AtomicInteger())
              .incrementAndGet())
          .delayElement(Duration.ofMillis(5))
          .map(count -> new Reply(instance + " reserved " + request.name()));
    }
  }

  /** One running instance, with the link to the registry a kill cuts. */
  record Instance(Service service, Inventory inventory, CuttableRegistry link, String nodeId, AtomicLong killTime,
      AtomicBoolean registeredWhenKilled, AtomicInteger registeredAfterTtl) {
    long killedAt() {
      return killTime.get();
    }
  }

  final MemoryRegistry registry = MemoryRegistry.create(Schedulers.parallel(), Duration.ofMillis(100));
  final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
  final List<Instance> instances = new ArrayList<>();
  Client client;

  @BeforeEach
  void startThreeInstances() {
    for (String name : List.of("one", "two", "three")) {
      Inventory inventory = new Inventory(name, executions);
      CuttableRegistry link = new CuttableRegistry(registry);
      Service service = RpcTestSupport.started(Service.builder("inventory").address(LOOPBACK).registry(link)
          .registerTtl(TTL, INTERVAL).drainTimeout(Duration.ofSeconds(5)).handler(inventory));
      instances.add(new Instance(service, inventory, link, service.info().nodes().get(0).id(), new AtomicLong(),
          new AtomicBoolean(), new AtomicInteger(-1)));
    }
    client = Client.builder().registry(registry).build();
  }

  @AfterEach
  void stopEverything() {
    client.close().block(Duration.ofSeconds(10));
    instances.forEach(instance -> RpcTestSupport.stop(instance.service()));
  }

  @Test
  void noCallToAnIdempotentEndpointFailsWhileOneInstanceStopsAndAnotherIsKilled() {
    Instance stopped = instances.get(0);
    Instance killed = instances.get(1);
    Map<String, Long> deletedAt = new ConcurrentHashMap<>();
    Disposable watching = registry.watch("inventory")
        .filter(event -> event.type() == RegistryEvent.Type.DELETE)
        .subscribe(event -> event.service().nodes()
            .forEach(node -> deletedAt.put(node.id(), event.timestamp().toEpochMilli())));
    AtomicInteger done = new AtomicInteger();
    try {
      Flux<Reply> calls = Flux.range(0, 1000)
          .flatMap(i -> client.call("inventory", "Inventory.Lookup", new Req("r" + i), Reply.class)
              .doOnNext(reply -> {
                int n = done.incrementAndGet();
                if (n == 300) {
                  stopped.service().stop().subscribe();
                } else if (n == 600) {
                  kill(killed);
                }
              }), 8);

      StepVerifier.create(calls)
          .expectNextCount(1000)
          .expectComplete()
          .verify(Duration.ofSeconds(120));

      assertThat(killed.killedAt()).as("the kill happened during the calls").isPositive();
      assertThat(killed.registeredWhenKilled()).as("a killed node is not deregistered").isTrue();
      assertThat(killed.inventory().served.get()).as("the killed instance served before it died").isPositive();
      assertThat(instances.get(2).inventory().served.get()).as("the survivor took the rest").isPositive();

      // The killed node's last registration was before it died: look-ups stop returning it within its
      // TTL, and the registry's sweep (every 100 ms) tells watchers, such as the client's cache, soon after.
      String id = killed.nodeId();
      Await.until("the look-up after the TTL ran", TTL.plusSeconds(10),
          () -> killed.registeredAfterTtl().get() >= 0);
      assertThat(killed.registeredAfterTtl().get()).as("registered one TTL after the kill").isZero();
      Await.until("watchers are told the killed node left", TTL.plusSeconds(10),
          () -> deletedAt.containsKey(id));
      assertThat(deletedAt.get(id) - killed.killedAt()).isBetween(0L, TTL.plusSeconds(2).toMillis());
      assertThat(registered(id)).isFalse();
      assertThat(registered(stopped.nodeId())).isFalse();
    } finally {
      watching.dispose();
    }
  }

  @Test
  void callsToANonIdempotentEndpointNeverRunTwiceWhileInstancesGo() {
    Instance stopped = instances.get(0);
    Instance killed = instances.get(1);
    AtomicInteger answered = new AtomicInteger();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Set<String> succeeded = ConcurrentHashMap.newKeySet();

    Flux<Boolean> calls = Flux.range(0, 1000)
        .flatMap(i -> client.call("inventory", "Inventory.Reserve", new Req("q" + i), Reply.class)
            .doOnNext(reply -> succeeded.add("q" + i))
            .map(reply -> true)
            .onErrorResume(error -> {
              failures.add(error);
              return Mono.just(false);
            })
            .doOnNext(outcome -> {
              int n = answered.incrementAndGet();
              if (n == 300) {
                stopped.service().stop().subscribe();
              } else if (n == 600) {
                kill(killed);
              }
            }), 8);

    StepVerifier.create(calls)
        .expectNextCount(1000)
        .expectComplete()
        .verify(Duration.ofSeconds(120));

    assertThat(killed.killedAt()).isPositive();
    assertThat(executions.values()).as("no request ran twice").allSatisfy(count -> assertThat(count.get()).isOne());
    assertThat(succeeded).allSatisfy(id -> assertThat(executions).containsKey(id));
    // A call cut off by the kill, refused by the draining instance, or timed out on a loaded machine
    // fails: it may have run (or not), so it is not sent again.
    assertThat(failures).allSatisfy(error -> assertThat(error).isInstanceOfSatisfying(MicroException.class,
        micro -> assertThat(micro.code()).isIn(503, 408)));
    assertThat(succeeded.size() + failures.size()).isEqualTo(1000);
  }

  @Test
  void aCallToAnUnknownServiceFailsAtOnceWith404() {
    StepVerifier.create(client.call("inventory", "Inventory.Lookup", new Req("warm"), Reply.class))
        .expectNextCount(1)
        .expectComplete()
        .verify(TIMEOUT);
    for (int i = 0; i < 3; i++) {
      StepVerifier.create(client.call("nowhere", "Inventory.Lookup", new Req("x"), Reply.class))
          .expectErrorSatisfies(error -> assertThat(micro(error, 404).detail()).isEqualTo("service nowhere: not found"))
          .verify(Duration.ofSeconds(2));
    }
  }

  private boolean registered(String nodeId) {
    List<ServiceInfo> services = registry.getService("inventory").collectList().block(TIMEOUT);
    return services != null && services.stream().flatMap(s -> s.nodes().stream()).map(Node::id)
        .anyMatch(nodeId::equals);
  }

  /**
   * Kills an instance as a crash would: it stops reaching the registry (no re-registration, no
   * deregistration) and its server closes every connection at once, without draining. Non-blocking, so
   * a test can kill from inside a pipeline.
   */
  private void kill(Instance instance) {
    instance.link().cut();
    instance.killTime().set(System.currentTimeMillis());
    instance.service().server().stop(Duration.ZERO).subscribe();
    registry.getService("inventory").flatMapIterable(ServiceInfo::nodes).map(Node::id).collectList()
        .subscribe(ids -> instance.registeredWhenKilled().set(ids.contains(instance.nodeId())));
    // A timer fires late on a loaded machine, never early: a node gone then was gone at TTL + 100 ms.
    Mono.delay(TTL.plusMillis(100))
        .then(registry.getService("inventory").flatMapIterable(ServiceInfo::nodes).map(Node::id).collectList())
        .subscribe(ids -> instance.registeredAfterTtl().set(ids.contains(instance.nodeId()) ? 1 : 0));
  }

  /** A registry in front of the shared one that stops passing registrations on once cut. */
  static final class CuttableRegistry implements Registry {
    private final Registry delegate;
    private volatile boolean cut;

    CuttableRegistry(Registry delegate) {
      this.delegate = delegate;
    }

    void cut() {
      cut = true;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public Mono<Void> register(ServiceInfo service, Duration ttl) {
      return Mono.defer(() -> cut ? Mono.empty() : delegate.register(service, ttl));
    }

    @Override
    public Mono<Void> deregister(ServiceInfo service) {
      return Mono.defer(() -> cut ? Mono.empty() : delegate.deregister(service));
    }

    @Override
    public Flux<ServiceInfo> getService(String name) {
      return delegate.getService(name);
    }

    @Override
    public Flux<ServiceInfo> listServices() {
      return delegate.listServices();
    }

    @Override
    public Flux<RegistryEvent> watch(@Nullable String service) {
      return delegate.watch(service);
    }
  }
}
