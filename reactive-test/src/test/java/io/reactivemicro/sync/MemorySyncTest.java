package io.reactivemicro.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.test.sync.SyncContract;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class MemorySyncTest extends SyncContract {

  private MemorySync table;

  @BeforeEach
  void freshTable() {
    table = MemorySync.create();
  }

  @Override
  protected Sync newClient() {
    return table.client();
  }

  @Override
  protected Duration shortTtl() {
    return Duration.ofSeconds(1);
  }

  @Override
  protected Duration expiryGrace() {
    return Duration.ofSeconds(2);
  }

  @Test
  void waitingLockIsGrantedWhenTheHoldersTtlRunsOutInVirtualTime() {
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    MemorySync holder = MemorySync.create(clock);
    MemorySync waiter = holder.client();
    Lock held = holder.lock("job", Duration.ofSeconds(10), Duration.ZERO).block(TIMEOUT);

    StepVerifier.withVirtualTime(() -> waiter.lock("job", Duration.ofSeconds(10), Duration.ofMinutes(1)),
            () -> clock, Long.MAX_VALUE)
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(9_999))
        .thenAwait(Duration.ofMillis(1))
        .assertNext(lock -> assertThat(lock.token()).isGreaterThan(held.token()))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void waitRunsOutAfterExactlyTheWaitInVirtualTime() {
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    MemorySync holder = MemorySync.create(clock);
    MemorySync waiter = holder.client();
    holder.lock("job", Duration.ofHours(1), Duration.ZERO).block(TIMEOUT);

    StepVerifier.withVirtualTime(() -> waiter.lock("job", Duration.ofSeconds(10), Duration.ofSeconds(30)),
            () -> clock, Long.MAX_VALUE)
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(29))
        .expectNoEvent(Duration.ofMillis(900))
        .thenAwait(Duration.ofSeconds(1))
        .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("408"))
        .verify(TIMEOUT);
  }

  @Test
  void leaderThatStopsRefreshingIsReplacedAfterItsTtlInVirtualTime() {
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    MemorySync leader = MemorySync.create(clock);
    MemorySync candidate = leader.client();
    leader.elect("office", Duration.ofSeconds(10)).subscribe();
    clock.advanceTime();
    leader.close().block(TIMEOUT);

    StepVerifier.withVirtualTime(() -> candidate.elect("office", Duration.ofSeconds(10)),
            () -> clock, Long.MAX_VALUE)
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(9_999))
        .thenAwait(Duration.ofMillis(1))
        .assertNext(leadership -> assertThat(leadership.isLeader()).isTrue())
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void settingsChooseTheSharedMemorySyncByDefault() {
    Sync one = Sync.fromSettings(Settings.empty());
    Sync two = Sync.fromSettings(Settings.empty().with("sync", "memory"));
    String id = lockId("shared");

    Lock held = one.lock(id, LONG_TTL, Duration.ZERO).block(TIMEOUT);
    StepVerifier.create(two.lock(id, LONG_TTL, Duration.ZERO))
        .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("409"))
        .verify(TIMEOUT);
    held.unlock().block(TIMEOUT);
    assertThat(one.name()).isEqualTo("memory");
  }
}
