package io.reactivemicro.sync;

import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * A held lock: a lease on a lock id that lasts for its TTL unless {@linkplain #refresh() refreshed}.
 *
 * <p>Obtained from {@link Sync#lock(String, Duration, Duration)}. Holding a lock object does not prove the
 * lock is still held: a holder that let its TTL run out has lost it, and another may hold it. The
 * {@linkplain #token() fencing token} lets the protected resource tell the holders apart.
 */
public interface Lock {

  /** Returns the lock's name. */
  String id();

  /**
   * Returns the fencing token of this grant: strictly greater than the token of every earlier grant of
   * the same lock id, by this or any other holder.
   */
  long token();

  /** Returns the lease this lock was taken (and is refreshed) for. */
  Duration ttl();

  /**
   * Releases the lock if this grant still holds it.
   *
   * @return a {@code Mono} that completes once released; it fails with a 409 Conflict when the lock was
   *     no longer held by this grant (its TTL ran out), in which case nothing is released. Unlocking
   *     again after a successful unlock completes at once.
   */
  Mono<Void> unlock();

  /**
   * Extends the lease to a full TTL from now, if this grant still holds the lock.
   *
   * @return a {@code Mono} that completes once extended; it fails with a 409 Conflict when the lock is
   *     no longer held by this grant
   */
  Mono<Void> refresh();

  /**
   * Keeps the lock alive: refreshes it every third of its TTL for as long as the returned {@code Mono}
   * is subscribed.
   *
   * @return a {@code Mono} that never completes on its own; it fails with the 409 of a failed refresh,
   *     and cancelling it stops refreshing (without releasing the lock)
   */
  Mono<Void> keepAlive();
}
