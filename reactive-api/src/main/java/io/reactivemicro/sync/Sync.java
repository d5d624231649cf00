package io.reactivemicro.sync;

import io.reactivemicro.internal.provider.Plugins;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.sync.spi.SyncProvider;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Distributed locks and leader election, as Go Micro's {@code sync} package, made reactive.
 *
 * <p>A {@link Lock} is a lease: it is held for a time to live and lost when that runs out unless it is
 * {@linkplain Lock#refresh() refreshed}, so a holder that disappears (its process dies, its connection
 * is lost) frees the lock after its TTL. Every grant of a lock carries a fencing token that is strictly
 * greater than the tokens of every earlier grant of the same lock id, whoever the holders were: pass it
 * to the resource the lock protects so that it can refuse the writes of a holder whose lease ran out.
 *
 * <p>Each {@code Sync} instance is one client: a process usually has one. No method blocks the calling
 * thread.
 *
 * <pre>{@code
 * Sync sync = Sync.fromSettings(Settings.fromEnvironment(args));
 * sync.withLock("billing", Duration.ofSeconds(10), Duration.ofSeconds(5),
 *         lock -> invoices.close(month, lock.token()))
 *     .subscribe();
 *
 * sync.elect("scheduler", Duration.ofSeconds(10))
 *     .filter(Leadership::isLeader)
 *     .switchMap(term -> runJobs(term.term()))
 *     .subscribe();
 * }</pre>
 */
public interface Sync {

  /** The TTL of {@link #lock(String)}. */
  Duration DEFAULT_TTL = Duration.ofSeconds(30);

  /** The wait of {@link #lock(String)}. */
  Duration DEFAULT_WAIT = Duration.ofSeconds(30);

  /** A wait long enough to mean "until the lock is free or the subscriber cancels". */
  Duration FOREVER = Duration.ofDays(365_000);

  /** Returns the name of this sync, such as {@code memory} or {@code redis}. */
  String name();

  /**
   * Takes the lock {@code id}, waiting up to {@code wait} for its holder to release it or for the
   * holder's TTL to run out.
   *
   * <p>The returned {@code Mono} emits the {@link Lock} once it is held. It fails with a
   * {@link io.reactivemicro.errors.MicroException} 409 Conflict when {@code wait} is zero and the lock is
   * held, with a 408 Request Timeout when the lock stayed held for the whole {@code wait}, and with a 400
   * Bad Request when an argument is invalid. Cancelling the {@code Mono} while it waits gives up: an
   * attempt still in flight is undone, so the lock is not left held by nobody.
   *
   * @param id the lock's name; not blank
   * @param ttl how long the lock lasts unless refreshed; positive
   * @param wait how long to wait for it; {@link Duration#ZERO} to try once
   * @return a {@code Mono} of the held lock
   */
  Mono<Lock> lock(String id, Duration ttl, Duration wait);

  /**
   * Takes the lock {@code id} with the {@link #DEFAULT_TTL} and {@link #DEFAULT_WAIT}.
   *
   * @param id the lock's name
   * @return a {@code Mono} of the held lock, as {@link #lock(String, Duration, Duration)}
   */
  default Mono<Lock> lock(String id) {
    return lock(id, DEFAULT_TTL, DEFAULT_WAIT);
  }

  /**
   * Runs {@code work} while holding the lock {@code id}: takes the lock as
   * {@link #lock(String, Duration, Duration)} does, keeps it alive by refreshing it every third of its
   * TTL while the work runs, and releases it when the work completes, fails or is cancelled.
   *
   * <p>The returned {@code Flux} emits what the work emits. It fails with a 409 Conflict if the lock is
   * lost while the work runs (a refresh found another holder, or could not reach the backend), after
   * cancelling the work; and with the release's 409 when the lock was lost by the time the work ended.
   *
   * @param id the lock's name
   * @param ttl the lease of the lock between refreshes
   * @param wait how long to wait for the lock
   * @param work what to do while holding it; given the lock, for its {@link Lock#token() fencing token}
   * @param <T> what the work emits
   * @return a {@code Flux} of what the work emits
   */
  default <T> Flux<T> withLock(String id, Duration ttl, Duration wait,
      Function<? super Lock, ? extends Publisher<T>> work) {
    return Flux.usingWhen(lock(id, ttl, wait),
        lock -> {
          // The keep-alive only ends by failing: then the work is cancelled and the failure reported.
          AtomicReference<@Nullable Throwable> lost = new AtomicReference<>();
          Mono<Boolean> losing = lock.keepAlive()
              .onErrorResume(error -> {
                lost.set(error);
                return Mono.empty();
              })
              .thenReturn(true);
          return Flux.<T>from(work.apply(lock))
              .takeUntilOther(losing)
              .concatWith(Mono.defer(() -> {
                Throwable error = lost.get();
                return error == null ? Mono.<T>empty() : Mono.<T>error(error);
              }));
        },
        Lock::unlock,
        (lock, error) -> lock.unlock().onErrorResume(ignored -> Mono.empty()),
        lock -> lock.unlock().onErrorResume(ignored -> Mono.empty()));
  }

  /**
   * Runs for leadership of {@code id} among every candidate of the same id.
   *
   * <p>The returned {@code Flux} emits a {@link Leadership} in state {@link Leadership.State#ELECTED}
   * when this candidate becomes the leader, and one in state {@link Leadership.State#LOST} when it stops
   * being the leader: its lease ran out or could not be refreshed (then it runs again), or it
   * {@linkplain Leadership#resign() resigned} (then the {@code Flux} completes). While leader, the lease
   * is refreshed every third of {@code ttl}; a leader that disappears is replaced once its {@code ttl}
   * runs out. Cancelling the {@code Flux} resigns: the leadership is released at once. Events are few (two
   * per term at most) and are buffered until requested. While the backend cannot be reached, the candidate
   * keeps trying, with back-off up to 5 s; the {@code Flux} fails only on invalid arguments (a 400) or when
   * the sync is closed.
   *
   * @param id the name of the office, such as {@code scheduler}; not blank
   * @param ttl how long a leader stays leader once it stops refreshing; positive
   * @return a {@code Flux} of leadership changes that runs until resignation or cancellation
   */
  Flux<Leadership> elect(String id, Duration ttl);

  /**
   * Closes this client as a crash would: keep-alives and campaigns stop and connections are released,
   * but locks and leaderships still held are not released; they expire with their TTL. Release them
   * first (unlock, resign, or cancel {@link #elect} and {@link #withLock}) for a prompt handover. Every
   * later operation fails with a 503.
   *
   * @return a {@code Mono} that completes once closed
   */
  Mono<Void> close();

  /**
   * Returns the sync {@code settings} choose: {@code MICRO_SYNC} or {@code --sync}, one of the
   * {@link SyncProvider}s on the class path; {@code memory}, a client of the JVM-wide in-memory lock table,
   * when none is chosen. {@code MICRO_SYNC_ADDRESS} (or {@code --sync_address}) gives the backend's
   * address.
   *
   * @throws IllegalArgumentException when the chosen sync is not on the class path
   */
  static Sync fromSettings(Settings settings) {
    return Plugins.create(SyncProvider.class, "sync", "memory", settings);
  }

  /** Returns a new in-memory sync with a lock table of its own, for one JVM. */
  static Sync memory() {
    return MemorySync.create();
  }

  /** Returns a sync on the JVM-wide in-memory lock table, so every one it returns in one JVM sees the others' locks. */
  static Sync shared() {
    return MemorySync.shared();
  }
}
