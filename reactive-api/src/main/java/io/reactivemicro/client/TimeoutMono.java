package io.reactivemicro.client;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * A request-response attempt that fails with the error {@code timeout} supplies when it has not settled
 * {@code nanos} after it was subscribed, cancelling the attempt: what {@code timeout(Mono.delay(..),
 * Mono.error(..))} does, with one subscriber that is also the timer's task instead of six objects. The
 * timer runs on {@link Schedulers#parallel()}, as {@code Mono.delay} does, looked up when subscribed so
 * that virtual time applies.
 *
 * @param <T> the response type
 */
final class TimeoutMono<T> extends Mono<T> {

  private final Mono<T> source;
  private final long nanos;
  private final Supplier<? extends Throwable> timeout;

  TimeoutMono(Mono<T> source, long nanos, Supplier<? extends Throwable> timeout) {
    this.source = source;
    this.nanos = nanos;
    this.timeout = timeout;
  }

  @Override
  public void subscribe(CoreSubscriber<? super T> actual) {
    source.subscribe(new TimeoutSubscriber<>(actual, this));
  }

  private static final class TimeoutSubscriber<T> implements CoreSubscriber<T>, Subscription, Runnable {

    private static final int ACTIVE = 0;
    private static final int SETTLED = 1;
    private static final int TIMED_OUT = 2;
    private static final int CANCELLED = 3;

    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<TimeoutSubscriber> STATE =
        AtomicIntegerFieldUpdater.newUpdater(TimeoutSubscriber.class, "state");
    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<TimeoutSubscriber, Disposable> TIMER =
        AtomicReferenceFieldUpdater.newUpdater(TimeoutSubscriber.class, Disposable.class, "timer");
    private static final Disposable DONE = Disposables.disposed();

    private final CoreSubscriber<? super T> actual;
    private final TimeoutMono<T> parent;
    private @Nullable Subscription upstream;
    private volatile int state;
    private volatile @Nullable Disposable timer;

    TimeoutSubscriber(CoreSubscriber<? super T> actual, TimeoutMono<T> parent) {
      this.actual = actual;
      this.parent = parent;
    }

    @Override
    public Context currentContext() {
      return actual.currentContext();
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (!Operators.validate(upstream, s)) {
        return;
      }
      upstream = s;
      actual.onSubscribe(this);
      if (state == ACTIVE) {
        Disposable scheduled = Schedulers.parallel().schedule(this, parent.nanos, TimeUnit.NANOSECONDS);
        if (!TIMER.compareAndSet(this, null, scheduled)) {
          scheduled.dispose();
        }
      }
    }

    @Override
    public void onNext(T value) {
      if (STATE.compareAndSet(this, ACTIVE, SETTLED)) {
        stopTimer();
        actual.onNext(value);
      } else {
        Operators.onDiscard(value, actual.currentContext());
      }
    }

    @Override
    public void onError(Throwable error) {
      if (STATE.compareAndSet(this, ACTIVE, SETTLED)) {
        stopTimer();
        actual.onError(error);
      } else if (state != TIMED_OUT) {
        Operators.onErrorDropped(error, actual.currentContext());
      }
    }

    @Override
    public void onComplete() {
      int now = state;
      if (now == SETTLED || STATE.compareAndSet(this, ACTIVE, SETTLED)) {
        stopTimer();
        actual.onComplete();
      }
    }

    /** The timer fired. */
    @Override
    public void run() {
      if (STATE.compareAndSet(this, ACTIVE, TIMED_OUT)) {
        Subscription s = upstream;
        if (s != null) {
          s.cancel();
        }
        Throwable error;
        try {
          error = parent.timeout.get();
        } catch (Throwable t) {
          error = t;
        }
        actual.onError(error);
      }
    }

    @Override
    public void request(long n) {
      Subscription s = upstream;
      if (s != null) {
        s.request(n);
      }
    }

    @Override
    public void cancel() {
      STATE.set(this, CANCELLED);
      stopTimer();
      Subscription s = upstream;
      if (s != null) {
        s.cancel();
      }
    }

    @SuppressWarnings("unchecked")
    private void stopTimer() {
      Disposable scheduled = (Disposable) TIMER.getAndSet(this, DONE);
      if (scheduled != null && scheduled != DONE) {
        scheduled.dispose();
      }
    }
  }
}
