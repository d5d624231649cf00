package io.reactivemicro.internal.operator;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * The subscriber of a one-step {@code Mono} operator: it sits between one source and one subscriber,
 * passes demand and cancellation up, and lets a subclass act on each signal going down. It follows
 * reactor-core's conventions for hand-written operators, so that none has to repeat them:
 * <ul>
 *   <li>signals are checked against a state that moves once, atomically: {@code ACTIVE}, then
 *       {@code VALUED} (a value was passed on), then {@code TERMINATED} or {@code CANCELLED}; a timer
 *       or a failure of the subclass's own ({@link #fail}) may end the operator from another thread,
 *       and exactly one of the racing ends is passed on;</li>
 *   <li>a late signal, one that arrives after the end, is not passed on: a value goes to
 *       {@link #dropped} ({@link Operators#onNextDropped} unless the subclass must release it), an error
 *       to {@link Operators#onErrorDropped}, a completion is ignored;</li>
 *   <li>it is {@link Scannable}: {@code PARENT}, {@code ACTUAL}, {@code TERMINATED}, {@code CANCELLED}
 *       and {@code RUN_STYLE} are answered, so {@code checkpoint()} and Reactor's debugging tools see
 *       through it.</li>
 * </ul>
 *
 * <p>Subclasses implement the {@code hookOn...} methods, each called at most once and in signal order,
 * and pass the signal on to {@link #actual} themselves. The hooks run on the thread that delivered the
 * signal: for the transport's operators, its event loop.
 *
 * @param <I> the type the source emits
 * @param <O> the type passed on to the subscriber
 */
public abstract class StepSubscriber<I, O> implements CoreSubscriber<I>, Subscription, Scannable {

  /** No terminal signal and no value yet. */
  protected static final int ACTIVE = 0;
  /** A value was passed on; only the completion may follow. */
  protected static final int VALUED = 1;
  /** Ended by a terminal signal, a failure of the operator or a timer. */
  protected static final int TERMINATED = 2;
  /** Ended by the subscriber's cancellation. */
  protected static final int CANCELLED = 3;

  @SuppressWarnings("rawtypes")
  private static final AtomicIntegerFieldUpdater<StepSubscriber> STATE =
      AtomicIntegerFieldUpdater.newUpdater(StepSubscriber.class, "state");
  @SuppressWarnings("rawtypes")
  private static final AtomicReferenceFieldUpdater<StepSubscriber, Subscription> UPSTREAM =
      AtomicReferenceFieldUpdater.newUpdater(StepSubscriber.class, Subscription.class, "upstream");

  /** The subscriber signals are passed on to. */
  protected final CoreSubscriber<? super O> actual;
  private volatile @Nullable Subscription upstream;
  private volatile int state;
  /** Whether a value was passed on; written and read in signal order. */
  private boolean valued;

  /**
   * Creates the subscriber of one subscription.
   *
   * @param actual the subscriber signals are passed on to
   */
  protected StepSubscriber(CoreSubscriber<? super O> actual) {
    this.actual = actual;
  }

  @Override
  public Context currentContext() {
    return actual.currentContext();
  }

  @Override
  public void onSubscribe(Subscription s) {
    if (Operators.setOnce(UPSTREAM, this, s)) {
      actual.onSubscribe(this);
      hookOnSubscribe();
    }
  }

  @Override
  public final void onNext(I value) {
    if (!STATE.compareAndSet(this, ACTIVE, VALUED)) {
      dropped(value);
      return;
    }
    valued = true;
    hookOnNext(value);
  }

  @Override
  public void onError(Throwable error) {
    if (!end(TERMINATED)) {
      droppedError(error);
      return;
    }
    hookOnError(error);
  }

  @Override
  public final void onComplete() {
    if (end(TERMINATED)) {
      hookOnComplete();
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
  public final void cancel() {
    int before = state;
    boolean ended = end(CANCELLED);
    cancelUpstream();
    if (ended) {
      hookOnCancel(before == VALUED);
    }
  }

  /**
   * Ends the operator with {@code error} from outside a signal of the source, such as a value that
   * could not be converted or a timer that went off: cancels the source and passes {@code error} on,
   * unless the operator has already ended.
   *
   * @param error the error the subscriber gets
   * @param afterValue whether a value passed on may be followed by this end (a conversion failing in
   *     {@link #hookOnNext}); a timer passes {@code false}, so that a value that won the race wins
   * @return whether this ended the operator; when not, {@code error} was not passed on and the caller
   *     decides whether it is dropped
   */
  protected final boolean fail(Throwable error, boolean afterValue) {
    boolean ended = STATE.compareAndSet(this, ACTIVE, TERMINATED)
        || (afterValue && STATE.compareAndSet(this, VALUED, TERMINATED));
    if (ended) {
      cancelUpstream();
      actual.onError(error);
    }
    return ended;
  }

  /** Returns whether the operator has neither passed a value on nor ended. */
  protected final boolean active() {
    return state == ACTIVE;
  }

  /**
   * Moves to a final state from {@code ACTIVE} or {@code VALUED}.
   *
   * @return whether this call ended the operator
   */
  private boolean end(int finalState) {
    for (;;) {
      int now = state;
      if (now == TERMINATED || now == CANCELLED) {
        return false;
      }
      if (STATE.compareAndSet(this, now, finalState)) {
        return true;
      }
    }
  }

  /** Returns whether a value was passed on, for the hooks of the source's signals. */
  protected final boolean valued() {
    return valued;
  }

  /** Cancels the source, now or, when it has not subscribed yet, as soon as it does. */
  protected final void cancelUpstream() {
    Operators.terminate(UPSTREAM, this);
  }

  /**
   * Replaces the source's subscription by the next source's, for an operator that subscribes to
   * another source after the first ended; the new one is cancelled when the operator was cancelled.
   *
   * @return whether the subscription was taken
   */
  protected final boolean replaceUpstream(Subscription next) {
    return Operators.replace(UPSTREAM, this, next);
  }

  /** Returns whether the source's subscription has been set. */
  protected final boolean subscribed() {
    return upstream != null;
  }

  /** Returns whether the operator has ended: terminated, failed, timed out or cancelled. */
  protected final boolean ended() {
    int now = state;
    return now == TERMINATED || now == CANCELLED;
  }

  /** Called once the subscriber has its subscription. */
  protected void hookOnSubscribe() {}

  /** Called with the source's value, the first and only one a {@code Mono} emits. */
  protected abstract void hookOnNext(I value);

  /** Called with the source's error, unless the operator has ended. */
  protected void hookOnError(Throwable error) {
    actual.onError(error);
  }

  /** Called with the source's completion, unless the operator has ended. */
  protected void hookOnComplete() {
    actual.onComplete();
  }

  /**
   * Called when the subscriber cancels before the operator ended, once the source has been cancelled.
   *
   * @param valued whether a value had been passed on
   */
  protected void hookOnCancel(boolean valued) {}

  /** Handles a value that arrived after the operator ended. */
  protected void dropped(I value) {
    Operators.onNextDropped(value, currentContext());
  }

  /** Handles an error that arrived after the operator ended. */
  protected void droppedError(Throwable error) {
    Operators.onErrorDropped(error, currentContext());
  }

  @Override
  public @Nullable Object scanUnsafe(Attr key) {
    if (key == Attr.PARENT) {
      Subscription s = upstream;
      return s == Operators.cancelledSubscription() ? null : s;
    }
    if (key == Attr.ACTUAL) {
      return actual;
    }
    if (key == Attr.TERMINATED) {
      return state == TERMINATED;
    }
    if (key == Attr.CANCELLED) {
      return state == CANCELLED;
    }
    if (key == Attr.RUN_STYLE) {
      return Attr.RunStyle.SYNC;
    }
    if (key == Attr.PREFETCH) {
      return Integer.MAX_VALUE;
    }
    return null;
  }
}
