package io.reactivemicro.client;

import io.reactivemicro.internal.operator.StepMono;
import io.reactivemicro.internal.operator.StepSubscriber;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A request-response attempt that fails with the error {@code timeout} supplies when it has not settled
 * {@code nanos} after it was subscribed, cancelling the attempt: what {@code timeout(Mono.delay(..),
 * Mono.error(..))} does, with one subscriber that is also the timer's entry instead of six objects. The
 * timer runs on {@link Schedulers#parallel()}, as {@code Mono.delay} does, looked up when subscribed so
 * that virtual time applies.
 *
 * <p>Attempts with the same timeout are subscribed in the order of their deadlines, so they wait in one
 * first-in-first-out {@link Lane} per timeout with a single scheduled task, due when the oldest attempt
 * is: an attempt allocates no task of its own, and settling it unlinks it from the lane. The lanes
 * belong to the client that makes the attempts ({@link Timers}) and go with it. Past
 * {@value #MAX_LANES} distinct timeouts, or once the client is closed, an attempt schedules a task of
 * its own.
 *
 * @param <T> the response type
 */
final class TimeoutMono<T> extends StepMono<T, T> {

  private static final int MAX_LANES = 32;

  private final Timers timers;
  private final long nanos;
  private final Supplier<? extends Throwable> timeout;

  TimeoutMono(Mono<T> source, Timers timers, long nanos, Supplier<? extends Throwable> timeout) {
    super(source);
    this.timers = timers;
    this.nanos = nanos;
    this.timeout = timeout;
  }

  @Override
  public void subscribe(CoreSubscriber<? super T> actual) {
    source.subscribe(new TimeoutSubscriber<>(actual, this));
  }

  /**
   * The timeout lanes of one client. They are made for the scheduler timers run on when an attempt is
   * subscribed, and made again when that scheduler changes (a test's virtual time); the old ones run out
   * on their own.
   */
  static final class Timers {
    private volatile @Nullable Lanes lanes;
    private volatile boolean closed;

    /** Returns the lane of attempts timing out after {@code nanos} on {@code scheduler}, or null. */
    @Nullable Lane lane(Scheduler scheduler, long nanos) {
      if (closed) {
        return null;
      }
      Lanes current = lanes;
      if (current == null || current.scheduler != scheduler) {
        current = new Lanes(scheduler);
        lanes = current;
      }
      return current.lane(nanos);
    }

    /** Lets go of the lanes: attempts still waiting in them time out as they would have. */
    void close() {
      closed = true;
      lanes = null;
    }
  }

  /** The lanes of one scheduler, by timeout. */
  private static final class Lanes {
    private final Scheduler scheduler;
    private final ConcurrentHashMap<Long, Lane> byNanos = new ConcurrentHashMap<>();
    private volatile @Nullable Lane last;

    Lanes(Scheduler scheduler) {
      this.scheduler = scheduler;
    }

    @Nullable Lane lane(long nanos) {
      Lane recent = last;
      if (recent != null && recent.nanos == nanos) {
        return recent;
      }
      Lane lane = byNanos.get(nanos);
      if (lane == null) {
        if (byNanos.size() >= MAX_LANES) {
          return null;
        }
        lane = byNanos.computeIfAbsent(nanos, n -> new Lane(scheduler, n));
      }
      last = lane;
      return lane;
    }
  }

  /**
   * Attempts with one timeout, oldest first, in a list linked through the subscribers themselves; one
   * task is scheduled while the lane is not empty, due when its oldest attempt is.
   */
  private static final class Lane implements Runnable {
    private final Scheduler scheduler;
    private final long nanos;
    // Guarded by this.
    private @Nullable TimeoutSubscriber<?> head;
    private @Nullable TimeoutSubscriber<?> tail;
    private boolean scheduled;

    Lane(Scheduler scheduler, long nanos) {
      this.scheduler = scheduler;
      this.nanos = nanos;
    }

    void add(TimeoutSubscriber<?> entry) {
      synchronized (this) {
        // Read under the lock, so that deadlines never decrease along the list.
        entry.deadline = scheduler.now(TimeUnit.NANOSECONDS) + nanos;
        entry.queued = true;
        entry.previous = tail;
        entry.next = null;
        if (tail == null) {
          head = entry;
        } else {
          tail.next = entry;
        }
        tail = entry;
        if (scheduled) {
          return;
        }
        scheduled = true;
      }
      schedule(nanos);
    }

    void remove(TimeoutSubscriber<?> entry) {
      synchronized (this) {
        if (entry.queued) {
          unlink(entry);
        }
      }
    }

    /** The oldest attempt is due: times out every attempt past its deadline. */
    @Override
    public void run() {
      TimeoutSubscriber<?> expired = null;
      long delay = -1;
      synchronized (this) {
        long now = scheduler.now(TimeUnit.NANOSECONDS);
        TimeoutSubscriber<?> entry;
        while ((entry = head) != null && entry.deadline - now <= 0) {
          unlink(entry);
          entry.next = expired;
          expired = entry;
        }
        if (head == null) {
          scheduled = false;
        } else {
          delay = head.deadline - now;
        }
      }
      while (expired != null) {
        TimeoutSubscriber<?> entry = expired;
        expired = entry.next;
        entry.next = null;
        try {
          entry.run();
        } catch (RuntimeException e) {
          // A subscriber that throws on onError must not keep the others from timing out.
          Operators.onErrorDropped(e, entry.currentContext());
        }
      }
      if (delay >= 0) {
        schedule(delay);
      }
    }

    private void schedule(long delay) {
      try {
        scheduler.schedule(this, delay, TimeUnit.NANOSECONDS);
      } catch (RuntimeException e) {
        synchronized (this) {
          scheduled = false;
        }
        throw e;
      }
    }

    private void unlink(TimeoutSubscriber<?> entry) {
      TimeoutSubscriber<?> previous = entry.previous;
      TimeoutSubscriber<?> next = entry.next;
      if (previous == null) {
        head = next;
      } else {
        previous.next = next;
      }
      if (next == null) {
        tail = previous;
      } else {
        next.previous = previous;
      }
      entry.previous = null;
      entry.next = null;
      entry.queued = false;
    }
  }

  private static final class TimeoutSubscriber<T> extends StepSubscriber<T, T> implements Runnable {

    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<TimeoutSubscriber, Disposable> TIMER =
        AtomicReferenceFieldUpdater.newUpdater(TimeoutSubscriber.class, Disposable.class, "timer");
    private static final Disposable DONE = Disposables.disposed();

    private final TimeoutMono<T> parent;
    /** The lane this attempt waits in, or null when it has a task of its own in {@link #timer}. */
    private @Nullable Lane lane;
    private volatile @Nullable Disposable timer;
    /** Whether the timer ended the attempt: the source's error after its cancellation is expected. */
    private volatile boolean timedOut;
    // Guarded by the lane.
    long deadline;
    boolean queued;
    @Nullable TimeoutSubscriber<?> previous;
    @Nullable TimeoutSubscriber<?> next;

    TimeoutSubscriber(CoreSubscriber<? super T> actual, TimeoutMono<T> parent) {
      super(actual);
      this.parent = parent;
    }

    @Override
    protected void hookOnSubscribe() {
      if (!active()) {
        return;
      }
      Scheduler scheduler = Schedulers.parallel();
      Lane timeouts = parent.timers.lane(scheduler, parent.nanos);
      lane = timeouts;
      if (timeouts != null) {
        timeouts.add(this);
        // Settled while being added: settling may have looked for it in the lane before it was there.
        if (!active()) {
          timeouts.remove(this);
        }
        return;
      }
      Disposable scheduled = scheduler.schedule(this, parent.nanos, TimeUnit.NANOSECONDS);
      if (!TIMER.compareAndSet(this, null, scheduled)) {
        scheduled.dispose();
      }
    }

    @Override
    protected void hookOnNext(T value) {
      stopTimer();
      actual.onNext(value);
    }

    @Override
    protected void hookOnError(Throwable error) {
      stopTimer();
      actual.onError(error);
    }

    @Override
    protected void hookOnComplete() {
      if (!valued()) {
        stopTimer();
      }
      actual.onComplete();
    }

    @Override
    protected void hookOnCancel(boolean valued) {
      stopTimer();
    }

    @Override
    protected void droppedError(Throwable error) {
      if (!timedOut) {
        super.droppedError(error);
      }
    }

    /** The timer fired. */
    @Override
    public void run() {
      if (!active()) {
        return;
      }
      Throwable error;
      try {
        error = parent.timeout.get();
      } catch (Throwable t) {
        error = t;
      }
      // Set first: the source's error after the cancellation below is expected, not dropped.
      timedOut = true;
      if (!fail(error, false)) {
        timedOut = false;
      }
    }

    private void stopTimer() {
      Lane timeouts = lane;
      if (timeouts != null) {
        timeouts.remove(this);
        return;
      }
      Disposable scheduled = TIMER.getAndSet(this, DONE);
      if (scheduled != null && scheduled != DONE) {
        scheduled.dispose();
      }
    }
  }
}
