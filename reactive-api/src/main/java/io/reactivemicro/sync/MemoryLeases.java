package io.reactivemicro.sync;

import io.reactivemicro.sync.spi.LeaseBackend;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/** The in-memory lease table that {@link MemorySync} clients share; its clock is a scheduler's. */
final class MemoryLeases implements LeaseBackend {

  private record Lease(String owner, long token, long expiresAt) {}

  private final Scheduler clock;
  private final Map<String, Lease> leases = new ConcurrentHashMap<>();
  private final AtomicLong fence = new AtomicLong();
  private final Sinks.Many<String> releases = Sinks.many().multicast().directBestEffort();

  MemoryLeases(Scheduler clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Mono<Long> tryAcquire(String id, String owner, Duration ttl) {
    return Mono.fromSupplier(() -> {
      long now = now();
      Lease lease = leases.compute(id, (key, current) -> current == null || current.expiresAt() <= now
          ? new Lease(owner, fence.incrementAndGet(), now + ttl.toMillis())
          : current);
      return lease.owner().equals(owner) ? lease.token() : null;
    });
  }

  @Override
  public Mono<Boolean> refresh(String id, String owner, Duration ttl) {
    return Mono.fromSupplier(() -> {
      long now = now();
      AtomicBoolean refreshed = new AtomicBoolean();
      leases.computeIfPresent(id, (key, current) -> {
        if (current.owner().equals(owner) && current.expiresAt() > now) {
          refreshed.set(true);
          return new Lease(owner, current.token(), now + ttl.toMillis());
        }
        return current;
      });
      return refreshed.get();
    });
  }

  @Override
  public Mono<Boolean> release(String id, String owner) {
    return Mono.fromSupplier(() -> {
      long now = now();
      AtomicBoolean released = new AtomicBoolean();
      leases.computeIfPresent(id, (key, current) -> {
        if (!current.owner().equals(owner)) {
          return current;
        }
        // An expired lease of the same owner is dropped too, but was not held any more.
        released.set(current.expiresAt() > now);
        return null;
      });
      if (released.get()) {
        synchronized (releases) {
          releases.tryEmitNext(id);
        }
      }
      return released.get();
    });
  }

  @Override
  public Mono<Void> awaitRelease(String id, Duration max, Scheduler timer) {
    return Mono.defer(() -> {
      Lease lease = leases.get(id);
      long untilExpiry = lease == null ? 0 : Math.max(0, lease.expiresAt() - now());
      Duration pause = Duration.ofMillis(Math.min(max.toMillis(), untilExpiry));
      return Mono.firstWithSignal(
          Mono.delay(pause, timer).then(),
          releases.asFlux().filter(id::equals).next().switchIfEmpty(Mono.never()).then());
    });
  }

  @Override
  public Mono<Void> close() {
    return Mono.empty();
  }

  private long now() {
    return clock.now(TimeUnit.MILLISECONDS);
  }
}
