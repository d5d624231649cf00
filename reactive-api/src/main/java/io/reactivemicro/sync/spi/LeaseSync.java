package io.reactivemicro.sync.spi;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.sync.Leadership;
import io.reactivemicro.sync.Lock;
import io.reactivemicro.sync.Sync;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The {@link Sync} every backend shares: locks, keep-alives, waiting and leader election built on the
 * atomic lease operations of a {@link LeaseBackend}.
 *
 * <p>Waiting for a held lock tries again after a pause that doubles from 2 ms up to 100 ms, with jitter,
 * or as soon as the backend hears the lock was released ({@link LeaseBackend#awaitRelease}). Leader
 * election is a lock that the leader keeps alive: candidates wait for it, the leader refreshes it every
 * third of its TTL. Timers run on the given scheduler (a virtual-time one in tests).
 *
 * <pre>{@code
 * final class MyLeases implements LeaseBackend { ... }   // atomic tryAcquire, refresh, release
 * Sync sync = new LeaseSync(new MyLeases(...));
 * }</pre>
 */
public final class LeaseSync implements Sync {

  private static final long FIRST_PAUSE_MILLIS = 2;
  private static final long LONGEST_PAUSE_MILLIS = 100;
  private static final Duration CAMPAIGN_RETRY = Duration.ofMillis(100);
  private static final Duration LONGEST_CAMPAIGN_RETRY = Duration.ofSeconds(5);

  private final LeaseBackend backend;
  private final Scheduler timer;
  private final Disposable.Composite campaigns = Disposables.composite();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Creates a sync over {@code backend}.
   *
   * @param backend the atomic lease operations
   * @param timer the scheduler of waits and keep-alives, and the clock of wait deadlines
   */
  public LeaseSync(LeaseBackend backend, Scheduler timer) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.timer = Objects.requireNonNull(timer, "timer");
  }

  /** Creates a sync over {@code backend} whose timers run on {@link Schedulers#parallel()}. */
  public LeaseSync(LeaseBackend backend) {
    this(backend, Schedulers.parallel());
  }

  @Override
  public String name() {
    return backend.name();
  }

  @Override
  public Mono<Lock> lock(String id, Duration ttl, Duration wait) {
    return Mono.defer(() -> {
      MicroException invalid = validate(id, ttl);
      if (invalid == null && (wait == null || wait.isNegative())) {
        invalid = MicroException.badRequest("sync", "the wait for lock %s must be zero or positive, not %s",
            id, wait);
      }
      if (invalid != null) {
        return Mono.error(invalid);
      }
      if (closed.get()) {
        return Mono.error(closedError());
      }
      String owner = owner();
      long deadline = saturatedAdd(timer.now(TimeUnit.MILLISECONDS), wait.toMillis());
      AtomicReference<@Nullable CompletableFuture<Long>> inFlight = new AtomicReference<>();
      AtomicBoolean delivered = new AtomicBoolean();
      // The attempt runs apart from the subscriber, so a cancelled wait can still see how its last attempt
      // ended and undo it.
      Mono<Long> attempt = Mono.defer(() -> {
        CompletableFuture<Long> result = backend.tryAcquire(id, owner, ttl).toFuture();
        inFlight.set(result);
        return Mono.fromFuture(result, true);
      });
      return attempt
          .repeatWhenEmpty(Integer.MAX_VALUE, tries -> tries.concatMap(n -> {
            long remaining = deadline - timer.now(TimeUnit.MILLISECONDS);
            if (closed.get()) {
              return Mono.error(closedError());
            }
            if (remaining <= 0) {
              return Mono.error(wait.isZero()
                  ? MicroException.conflict("sync", "lock %s is held by another holder", id)
                  : MicroException.timeout("sync", "lock %s stayed held by another holder for %s", id, wait));
            }
            Duration pause = Duration.ofMillis(Math.min(remaining, pause(n)));
            return backend.awaitRelease(id, pause, timer).thenReturn(n);
          }))
          // An attempt that failed (a timeout, a lost connection) may still have taken the lock on the server.
          .onErrorResume(error -> error instanceof MicroException me && me.code() < 500
              ? Mono.error(error)
              : backend.release(id, owner).onErrorResume(e -> Mono.empty()).then(Mono.error(error)))
          .<Lock>map(token -> new LeaseLock(id, owner, token, ttl))
          .doOnNext(lock -> delivered.set(true))
          .doOnCancel(() -> {
            if (!delivered.get()) {
              undo(id, owner, inFlight.get());
            }
          });
    });
  }

  @Override
  public Flux<Leadership> elect(String id, Duration ttl) {
    return Flux.defer(() -> {
      MicroException invalid = validate(id, ttl);
      if (invalid != null) {
        return Flux.error(invalid);
      }
      if (closed.get()) {
        return Flux.error(closedError());
      }
      return Flux.<Leadership>create(sink -> new Campaign(id, ttl, sink).start(), FluxSink.OverflowStrategy.BUFFER);
    });
  }

  @Override
  public Mono<Void> close() {
    return Mono.defer(() -> {
      if (!closed.compareAndSet(false, true)) {
        return Mono.empty();
      }
      campaigns.dispose();
      return backend.close();
    });
  }

  /** Returns whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed.get();
  }

  private void undo(String id, String owner, @Nullable CompletableFuture<Long> attempt) {
    if (attempt == null) {
      return;
    }
    // Releases only when the attempt took the lock; an attempt that found it held leaves nothing to undo.
    Mono.fromFuture(attempt, true)
        .onErrorResume(e -> Mono.empty())
        .flatMap(token -> backend.release(id, owner))
        .subscribe(released -> { }, e -> { });
  }

  /** Returns a new owner: random, but not from {@code SecureRandom}, which may block on entropy. */
  private static String owner() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
  }

  private static long pause(long attempt) {
    long pause = Math.min(LONGEST_PAUSE_MILLIS, FIRST_PAUSE_MILLIS << Math.min(attempt, 16));
    return ThreadLocalRandom.current().nextLong(pause / 2, pause + 1);
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  private static @Nullable MicroException validate(@Nullable String id, @Nullable Duration ttl) {
    if (id == null || id.isBlank()) {
      return MicroException.badRequest("sync", "a lock id must not be blank");
    }
    if (ttl == null || ttl.isNegative() || ttl.toMillis() < 1) {
      return MicroException.badRequest("sync", "the TTL of lock %s must be at least 1 ms, not %s", id, ttl);
    }
    return null;
  }

  private MicroException closedError() {
    return MicroException.serviceUnavailable("sync", "the %s sync is closed", backend.name());
  }

  /** One grant of a lease. */
  private final class LeaseLock implements Lock {

    private final String id;
    private final String owner;
    private final long token;
    private final Duration ttl;
    private final AtomicBoolean released = new AtomicBoolean();

    LeaseLock(String id, String owner, long token, Duration ttl) {
      this.id = id;
      this.owner = owner;
      this.token = token;
      this.ttl = ttl;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public long token() {
      return token;
    }

    @Override
    public Duration ttl() {
      return ttl;
    }

    @Override
    public Mono<Void> unlock() {
      return Mono.defer(() -> {
        if (released.get()) {
          return Mono.empty();
        }
        if (closed.get()) {
          return Mono.error(closedError());
        }
        return backend.release(id, owner).flatMap(ok -> {
          if (ok) {
            released.set(true);
            return Mono.<Void>empty();
          }
          return Mono.error(MicroException.conflict("sync",
              "lock %s (token %d) was no longer held: its TTL ran out", id, token));
        });
      });
    }

    @Override
    public Mono<Void> refresh() {
      return Mono.defer(() -> {
        if (closed.get()) {
          return Mono.error(closedError());
        }
        if (released.get()) {
          return Mono.error(MicroException.conflict("sync", "lock %s (token %d) was unlocked", id, token));
        }
        return backend.refresh(id, owner, ttl).flatMap(ok -> ok ? Mono.<Void>empty()
            : Mono.error(MicroException.conflict("sync",
                "lock %s (token %d) was lost: its TTL ran out", id, token)));
      });
    }

    @Override
    public Mono<Void> keepAlive() {
      Duration period = Duration.ofMillis(Math.max(1, ttl.toMillis() / 3));
      return Flux.interval(period, period, timer)
          .onBackpressureDrop()
          .concatMap(tick -> refresh(), 1)
          .then();
    }

    @Override
    public String toString() {
      return "Lock[" + id + " token " + token + "]";
    }
  }

  /** One candidate of an election: campaigns, keeps its term alive, and runs again when it loses. */
  private final class Campaign implements Disposable {

    private final String id;
    private final Duration ttl;
    private final FluxSink<Leadership> sink;
    // One slot per kind of task: a lock attempt that ends at once runs elected() or failed() before
    // campaign() could store its subscription, so they must not share a slot with it.
    private final Disposable.Swap campaignTask = Disposables.swap();
    private final Disposable.Swap termTask = Disposables.swap();
    private final Disposable.Swap retryTask = Disposables.swap();
    private @Nullable Lock term;
    private boolean done;
    private int failures;

    Campaign(String id, Duration ttl, FluxSink<Leadership> sink) {
      this.id = id;
      this.ttl = ttl;
      this.sink = sink;
    }

    void start() {
      sink.onDispose(this::withdraw);
      if (!campaigns.add(this)) {
        sink.error(closedError());
        return;
      }
      campaign();
    }

    private void campaign() {
      synchronized (this) {
        if (done) {
          return;
        }
      }
      campaignTask.update(lock(id, ttl, FOREVER).subscribe(this::elected, this::failed));
    }

    private void runAgain(Duration pause) {
      retryTask.update(Mono.delay(pause, timer).subscribe(tick -> campaign(), e -> { }));
    }

    private void elected(Lock lock) {
      synchronized (this) {
        if (done) {
          lock.unlock().subscribe(ok -> { }, e -> { });
          return;
        }
        term = lock;
        failures = 0;
      }
      sink.next(new LeadershipChange(id, Leadership.State.ELECTED, lock.token(), this::resign));
      termTask.update(lock.keepAlive().subscribe(ok -> { }, e -> lost(lock)));
    }

    private void lost(Lock lock) {
      synchronized (this) {
        if (done || term != lock) {
          return;
        }
        term = null;
      }
      sink.next(new LeadershipChange(id, Leadership.State.LOST, lock.token(), this::resign));
      failures = 0;
      runAgain(CAMPAIGN_RETRY);
    }

    /** Campaigning failed: the backend could not be reached, or the sync closed. */
    private void failed(Throwable error) {
      boolean fatal = closed.get() || error instanceof MicroException me && me.code() < 500;
      long pause;
      synchronized (this) {
        if (done) {
          return;
        }
        done = fatal;
        pause = Math.min(CAMPAIGN_RETRY.toMillis() << Math.min(failures++, 10), LONGEST_CAMPAIGN_RETRY.toMillis());
      }
      if (fatal) {
        sink.error(error);
      } else {
        runAgain(Duration.ofMillis(pause));
      }
    }

    private Mono<Void> resign() {
      return Mono.defer(() -> {
        Lock lock;
        synchronized (this) {
          if (done) {
            return Mono.empty();
          }
          done = true;
          lock = term;
          term = null;
        }
        stopTasks();
        Mono<Void> release = lock == null ? Mono.empty() : lock.unlock().onErrorResume(e -> Mono.empty());
        return release.doFinally(signal -> {
          if (lock != null) {
            sink.next(new LeadershipChange(id, Leadership.State.LOST, lock.token(), Mono::empty));
          }
          sink.complete();
        });
      });
    }

    private void stopTasks() {
      campaignTask.dispose();
      termTask.dispose();
      retryTask.dispose();
    }

    /** Cancelled or terminated: stops and releases the term at once. */
    private void withdraw() {
      Lock lock;
      synchronized (this) {
        done = true;
        lock = term;
        term = null;
      }
      stopTasks();
      campaigns.remove(this);
      if (lock != null) {
        lock.unlock().subscribe(ok -> { }, e -> { });
      }
    }

    /** The sync closed: stops as a crash would, leaving the term to expire. */
    @Override
    public void dispose() {
      Lock lock;
      synchronized (this) {
        if (done) {
          return;
        }
        done = true;
        lock = term;
        term = null;
      }
      stopTasks();
      if (lock != null) {
        sink.next(new LeadershipChange(id, Leadership.State.LOST, lock.token(), Mono::empty));
      }
      sink.complete();
    }

    @Override
    public boolean isDisposed() {
      synchronized (this) {
        return done;
      }
    }
  }
}
