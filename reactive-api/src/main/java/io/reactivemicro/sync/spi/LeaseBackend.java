package io.reactivemicro.sync.spi;

import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * What a backend provides for {@link LeaseSync} to build locks and leader election on: atomic operations
 * on one lease per lock id, each owned by an opaque owner string.
 *
 * <p>An implementation makes each operation atomic on its server (a Lua script, a conditional SQL
 * statement, a transaction) and never blocks the calling thread. Owners are unique per lock attempt.
 */
public interface LeaseBackend {

  /** Returns the backend's name, such as {@code redis}. */
  String name();

  /**
   * Takes the lease {@code id} for {@code owner} if no one holds it or its holder's TTL has run out.
   *
   * @param id the lock id
   * @param owner who takes it
   * @param ttl how long the lease lasts
   * @return a {@code Mono} of the new grant's fencing token (strictly greater than every earlier token of
   *     {@code id}), or empty when another owner holds it
   */
  Mono<Long> tryAcquire(String id, String owner, Duration ttl);

  /**
   * Extends the lease {@code id} to {@code ttl} from now, if {@code owner} still holds it.
   *
   * @return a {@code Mono} of {@code true} when extended, {@code false} when {@code owner} does not hold it
   */
  Mono<Boolean> refresh(String id, String owner, Duration ttl);

  /**
   * Releases the lease {@code id} if {@code owner} holds it.
   *
   * @return a {@code Mono} of {@code true} when released, {@code false} when {@code owner} did not hold it
   */
  Mono<Boolean> release(String id, String owner);

  /**
   * Waits until the lease {@code id} may have become free, or {@code max} has passed, whichever comes
   * first. The default waits {@code max}, which makes waiting for a lock a poll; a backend that can hear
   * of releases (the memory table, pub/sub) completes earlier.
   *
   * @param id the lock id
   * @param max the longest wait
   * @param timer the scheduler to wait on
   * @return a {@code Mono} that completes when it is worth trying again
   */
  default Mono<Void> awaitRelease(String id, Duration max, Scheduler timer) {
    return Mono.delay(max, timer).then();
  }

  /**
   * Releases the backend's connections. Leases are left to expire.
   *
   * @return a {@code Mono} that completes once released
   */
  Mono<Void> close();
}
