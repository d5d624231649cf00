package io.reactivemicro.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.sync.spi.LeaseBackend;
import io.reactivemicro.sync.spi.LeaseSync;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The lease engine's own behaviour where a backend misbehaves: leases lost under a leader, attempts that
 * fail or are cancelled mid-flight. The backend is the in-memory table with faults injected around it.
 */
class LeaseSyncTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** The in-memory table, with operations that can be made to fail or to hang. */
  private static final class FaultyLeases implements LeaseBackend {

    final MemoryLeases table;
    final AtomicInteger failingAcquires = new AtomicInteger();
    final AtomicInteger failingRefreshes = new AtomicInteger();
    final AtomicReference<Sinks.One<Long>> heldAcquire = new AtomicReference<>();
    final List<String> released = new CopyOnWriteArrayList<>();

    FaultyLeases(Scheduler clock) {
      this.table = new MemoryLeases(clock);
    }

    @Override
    public String name() {
      return "faulty";
    }

    @Override
    public Mono<Long> tryAcquire(String id, String owner, Duration ttl) {
      if (failingAcquires.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        // Takes the lock on the "server", then loses the answer: the outcome is unknown to the caller.
        return table.tryAcquire(id, owner, ttl)
            .then(Mono.error(MicroException.serviceUnavailable("faulty", "connection lost")));
      }
      Sinks.One<Long> hold = heldAcquire.getAndSet(null);
      if (hold != null) {
        // Answers only when the test says so, with what the table did at that moment.
        return hold.asMono().then(table.tryAcquire(id, owner, ttl));
      }
      return table.tryAcquire(id, owner, ttl);
    }

    @Override
    public Mono<Boolean> refresh(String id, String owner, Duration ttl) {
      if (failingRefreshes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return Mono.just(false);
      }
      return table.refresh(id, owner, ttl);
    }

    @Override
    public Mono<Boolean> release(String id, String owner) {
      released.add(owner);
      return table.release(id, owner);
    }

    @Override
    public Mono<Void> close() {
      return Mono.empty();
    }
  }

  @Test
  void leaderWhoseRefreshFailsIsToldItLostAndRunsAgain() {
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    FaultyLeases leases = new FaultyLeases(clock);
    LeaseSync sync = new LeaseSync(leases, clock);

    StepVerifier.withVirtualTime(() -> sync.elect("office", Duration.ofSeconds(3)), () -> clock, Long.MAX_VALUE)
        .assertNext(first -> assertThat(first.isLeader()).isTrue())
        .then(() -> leases.failingRefreshes.set(1))
        .thenAwait(Duration.ofSeconds(1))
        .assertNext(lost -> assertThat(lost.state()).isEqualTo(Leadership.State.LOST))
        .thenAwait(Duration.ofSeconds(5))
        .assertNext(again -> assertThat(again.isLeader()).isTrue())
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void withLockFailsTheWorkWithA409WhenTheLockIsLost() {
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    FaultyLeases leases = new FaultyLeases(clock);
    LeaseSync sync = new LeaseSync(leases, clock);
    leases.failingRefreshes.set(1);
    AtomicReference<Boolean> cancelled = new AtomicReference<>(false);

    StepVerifier.withVirtualTime(
            () -> sync.withLock("job", Duration.ofSeconds(3), Duration.ZERO,
                lock -> Mono.never().doOnCancel(() -> cancelled.set(true))),
            () -> clock, Long.MAX_VALUE)
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(1))
        .expectErrorSatisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(409))
        .verify(TIMEOUT);
    assertThat(cancelled.get()).as("the work was cancelled").isTrue();
  }

  @Test
  void campaignOutlivesBackendErrors() {
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    FaultyLeases leases = new FaultyLeases(clock);
    LeaseSync sync = new LeaseSync(leases, clock);
    leases.failingAcquires.set(3);

    StepVerifier.withVirtualTime(() -> sync.elect("office", Duration.ofSeconds(3)), () -> clock, Long.MAX_VALUE)
        .thenAwait(Duration.ofSeconds(10))
        .assertNext(elected -> assertThat(elected.isLeader()).isTrue())
        .thenCancel()
        .verify(TIMEOUT);
    assertThat(leases.released).hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void lockWhoseAnswerWasLostIsReleasedAndTheErrorReported() {
    FaultyLeases leases = new FaultyLeases(reactor.core.scheduler.Schedulers.parallel());
    LeaseSync sync = new LeaseSync(leases);
    leases.failingAcquires.set(1);

    StepVerifier.create(sync.lock("job", Duration.ofMinutes(1), Duration.ZERO))
        .expectErrorSatisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(503))
        .verify(TIMEOUT);

    // The lock the lost answer had taken was released, so it is free at once, not after a minute.
    StepVerifier.create(sync.lock("job", Duration.ofMinutes(1), Duration.ZERO))
        .expectNextCount(1)
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void cancelledAttemptThatTookTheLockAfterwardsReleasesIt() {
    FaultyLeases leases = new FaultyLeases(reactor.core.scheduler.Schedulers.parallel());
    LeaseSync sync = new LeaseSync(leases);
    Sinks.One<Long> answer = Sinks.one();
    leases.heldAcquire.set(answer);

    sync.lock("job", Duration.ofMinutes(1), Duration.ofMinutes(1)).subscribe().dispose();
    assertThat(leases.released).isEmpty();
    answer.tryEmitEmpty();

    assertThat(leases.released).hasSize(1);
    StepVerifier.create(sync.lock("job", Duration.ofMinutes(1), Duration.ZERO))
        .expectNextCount(1)
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void resigningWhileStillCampaigningCompletesTheCampaign() {
    MemorySync holder = MemorySync.create();
    Sync candidate = holder.client();
    Lock held = holder.lock("office", Duration.ofMinutes(1), Duration.ZERO).block(TIMEOUT);
    AtomicReference<Leadership> last = new AtomicReference<>();

    StepVerifier.create(candidate.elect("office", Duration.ofSeconds(5)).doOnNext(last::set))
        .then(() -> held.unlock().block(TIMEOUT))
        .assertNext(elected -> assertThat(elected.isLeader()).isTrue())
        .then(() -> last.get().resign().block(TIMEOUT))
        .assertNext(lost -> assertThat(lost.state()).isEqualTo(Leadership.State.LOST))
        .expectComplete()
        .verify(TIMEOUT);
  }
}
