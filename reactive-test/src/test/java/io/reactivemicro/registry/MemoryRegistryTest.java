package io.reactivemicro.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.test.registry.RegistryContract;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class MemoryRegistryTest extends RegistryContract {

  private static final Duration SWEEP = Duration.ofMillis(100);

  private MemoryRegistry registry;

  @BeforeEach
  void freshRegistry() {
    registry = MemoryRegistry.create(Schedulers.parallel(), SWEEP);
  }

  @Override
  protected Registry registry() {
    return registry;
  }

  @Override
  protected Duration expiryGrace() {
    return SWEEP.multipliedBy(5);
  }

  @Test
  void expiredNodeIsReportedByTheSweepInVirtualTime() {
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    MemoryRegistry virtual = MemoryRegistry.create(clock, Duration.ofSeconds(1));
    String name = serviceName("virtual");
    Node node = Node.of(name + "-1", "10.0.0.1:8080");

    StepVerifier.withVirtualTime(() -> virtual.watch(name), () -> clock, Long.MAX_VALUE)
        .then(() -> virtual.register(service(name, "1.0.0", node), Duration.ofSeconds(30)).subscribe())
        .assertNext(event -> assertThat(event.type()).isEqualTo(RegistryEvent.Type.CREATE))
        .expectNoEvent(Duration.ofSeconds(29))
        .thenAwait(Duration.ofSeconds(2))
        .assertNext(event -> {
          assertThat(event.type()).isEqualTo(RegistryEvent.Type.DELETE);
          assertThat(event.service().nodes()).containsExactly(node);
          assertThat(event.timestamp().toEpochMilli()).isGreaterThanOrEqualTo(30_000);
        })
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void expiredNodeIsNotReturnedEvenBeforeTheSweep() {
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    MemoryRegistry virtual = MemoryRegistry.create(clock, Duration.ofHours(1));
    String name = serviceName("unswept");
    virtual.register(service(name, "1.0.0", Node.of(name + "-1", "10.0.0.1:8080")), Duration.ofSeconds(30))
        .block(TIMEOUT);

    clock.advanceTimeBy(Duration.ofSeconds(29));
    assertThat(virtual.getService(name).collectList().block(TIMEOUT)).hasSize(1);

    clock.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(virtual.getService(name).collectList().block(TIMEOUT)).isEmpty();
    assertThat(virtual.listServices().collectList().block(TIMEOUT)).isEmpty();
  }

  @Test
  void renewingBeforeTheTtlKeepsTheNodeInVirtualTime() {
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    MemoryRegistry virtual = MemoryRegistry.create(clock, Duration.ofSeconds(1));
    String name = serviceName("renewed-virtual");
    ServiceInfo info = service(name, "1.0.0", Node.of(name + "-1", "10.0.0.1:8080"));
    List<RegistryEvent> events = new CopyOnWriteArrayList<>();
    Disposable watch = virtual.watch(name).subscribe(events::add);
    try {
      for (int i = 0; i < 10; i++) {
        virtual.register(info, Duration.ofSeconds(30)).block(TIMEOUT);
        clock.advanceTimeBy(Duration.ofSeconds(20));
      }
      assertThat(virtual.getService(name).collectList().block(TIMEOUT)).hasSize(1);
      assertThat(events).extracting(RegistryEvent::type).containsExactly(RegistryEvent.Type.CREATE);

      clock.advanceTimeBy(Duration.ofSeconds(11));
      assertThat(virtual.getService(name).collectList().block(TIMEOUT)).isEmpty();
      assertThat(events).extracting(RegistryEvent::type)
          .containsExactly(RegistryEvent.Type.CREATE, RegistryEvent.Type.DELETE);
    } finally {
      watch.dispose();
    }
  }

  @Test
  void deregisteringAnExpiredNodeTheSweepHasNotSeenStillReportsItsDeletion() {
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    MemoryRegistry virtual = MemoryRegistry.create(clock, Duration.ofHours(1));
    String name = serviceName("expired-then-deregistered");
    ServiceInfo info = service(name, "1.0.0", Node.of(name + "-1", "10.0.0.1:8080"));
    List<RegistryEvent> events = new CopyOnWriteArrayList<>();
    Disposable watch = virtual.watch(name).subscribe(events::add);
    try {
      virtual.register(info, Duration.ofSeconds(30)).block(TIMEOUT);
      clock.advanceTimeBy(Duration.ofSeconds(31));
      virtual.deregister(info).block(TIMEOUT);
      clock.advanceTimeBy(Duration.ofHours(2));

      assertThat(events).extracting(RegistryEvent::type)
          .containsExactly(RegistryEvent.Type.CREATE, RegistryEvent.Type.DELETE);
    } finally {
      watch.dispose();
    }
  }

  @Test
  void registrationWithoutTtlNeverExpires() {
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    MemoryRegistry virtual = MemoryRegistry.create(clock, Duration.ofSeconds(1));
    String name = serviceName("forever");
    virtual.register(service(name, "1.0.0", Node.of(name + "-1", "10.0.0.1:8080")), Duration.ZERO)
        .block(TIMEOUT);

    clock.advanceTimeBy(Duration.ofDays(365));

    assertThat(virtual.getService(name).collectList().block(TIMEOUT)).hasSize(1);
  }

  @Test
  void registryNameIsMemory() {
    assertThat(registry.name()).isEqualTo("memory");
    assertThat(Registry.memory()).isNotSameAs(Registry.memory()).isInstanceOf(MemoryRegistry.class);
  }
}
