package io.reactivemicro.rsocket.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Paces a stream's responses to its connection: asks the handler's {@code Flux} for at most {@value #BATCH}
 * elements at a time, and asks for the next batch on the connection's event loop at its next turn, once
 * what the connection has to write is below its high-water mark.
 *
 * <p>Two things follow. A handler that emits synchronously and without end (such as
 * {@code Flux.range(0, Integer.MAX_VALUE)} with unbounded demand) emits one batch per turn of the event
 * loop, so the connection's other frames, a {@code CANCEL} among them, and the other connections on the
 * loop are served in between. (A task merely submitted to the loop would not do: the loop runs the tasks
 * submitted while it runs tasks, for up to a second, before it reads its sockets again.) And a peer that asks for everything but does not read holds at most a batch
 * per stream in the server's queues. The caller's demand is honoured as it is: a batch never exceeds it.
 *
 * @param <T> the element type
 */
final class PacedFlux<T> extends Flux<T> implements Scannable {

  /** How many elements are asked for at a time. */
  static final int BATCH = 32;

  private final Flux<? extends T> source;
  private final OutboundPressure pressure;

  PacedFlux(Flux<? extends T> source, OutboundPressure pressure) {
    this.source = source;
    this.pressure = pressure;
  }

  @Override
  public void subscribe(CoreSubscriber<? super T> actual) {
    source.subscribe(new PacedSubscriber<>(actual, pressure));
  }

  @Override
  public @Nullable Object scanUnsafe(Attr key) {
    if (key == Attr.PARENT) {
      return source;
    }
    if (key == Attr.PREFETCH) {
      return BATCH;
    }
    if (key == Attr.RUN_STYLE) {
      return Attr.RunStyle.ASYNC;
    }
    return null;
  }

  private static final class PacedSubscriber<T> implements CoreSubscriber<T>, Subscription, Runnable, Scannable {

    /** No batch is asked for and none is due: a request from downstream schedules one. */
    private static final int IDLE = 0;
    /** A task that asks for the next batch is scheduled, or waits for writability. */
    private static final int SCHEDULED = 1;
    /** A batch is asked for and not all of it has arrived. */
    private static final int ACTIVE = 2;

    private static final AtomicLongFieldUpdater<PacedSubscriber> REQUESTED =
        AtomicLongFieldUpdater.newUpdater(PacedSubscriber.class, "requested");
    private static final AtomicIntegerFieldUpdater<PacedSubscriber> STATE =
        AtomicIntegerFieldUpdater.newUpdater(PacedSubscriber.class, "state");
    private static final AtomicIntegerFieldUpdater<PacedSubscriber> OUTSTANDING =
        AtomicIntegerFieldUpdater.newUpdater(PacedSubscriber.class, "outstanding");

    private final CoreSubscriber<? super T> actual;
    private final OutboundPressure pressure;
    private @Nullable Subscription upstream;
    private boolean done;
    private volatile boolean cancelled;
    /** What downstream asked for and has not received; {@code Long.MAX_VALUE} for everything. */
    private volatile long requested;
    private volatile int state;
    /** What the current batch still has to deliver. */
    private volatile int outstanding;

    PacedSubscriber(CoreSubscriber<? super T> actual, OutboundPressure pressure) {
      this.actual = actual;
      this.pressure = pressure;
    }

    @Override
    public Context currentContext() {
      return actual.currentContext();
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (Operators.validate(upstream, s)) {
        upstream = s;
        actual.onSubscribe(this);
      }
    }

    @Override
    public void onNext(T value) {
      if (done) {
        Operators.onNextDropped(value, actual.currentContext());
        return;
      }
      if (requested != Long.MAX_VALUE) {
        REQUESTED.decrementAndGet(this);
      }
      actual.onNext(value);
      if (OUTSTANDING.decrementAndGet(this) == 0 && !cancelled) {
        // The next batch waits for the loop's next turn: a task scheduled now, unlike one submitted, runs only
        // after the loop has read and written its sockets again, so an endless synchronous source lets the
        // other connections of its loop (and its own CANCEL) through between two batches.
        state = SCHEDULED;
        pressure.executor().schedule(this, 1, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public void onError(Throwable error) {
      if (done) {
        Operators.onErrorDropped(error, actual.currentContext());
        return;
      }
      done = true;
      actual.onError(error);
    }

    @Override
    public void onComplete() {
      if (done) {
        return;
      }
      done = true;
      actual.onComplete();
    }

    @Override
    public void request(long n) {
      if (!Operators.validate(n)) {
        return;
      }
      Operators.addCap(REQUESTED, this, n);
      if (STATE.compareAndSet(this, IDLE, SCHEDULED)) {
        if (pressure.executor().inEventLoop()) {
          run();
        } else {
          pressure.executor().execute(this);
        }
      }
    }

    /** Asks for the next batch, on the event loop, once the connection is writable. */
    @Override
    public void run() {
      Subscription s = upstream;
      if (cancelled || done || s == null) {
        return;
      }
      if (!pressure.writable()) {
        pressure.whenWritable(this);
        return;
      }
      long r = requested;
      if (r == 0) {
        state = IDLE;
        // A request that came in meanwhile found the state SCHEDULED and relies on this check.
        if (requested != 0 && STATE.compareAndSet(this, IDLE, SCHEDULED)) {
          pressure.executor().execute(this);
        }
        return;
      }
      int n = (int) Math.min(BATCH, r);
      outstanding = n;
      state = ACTIVE;
      s.request(n);
    }

    @Override
    public void cancel() {
      cancelled = true;
      Subscription s = upstream;
      if (s != null) {
        s.cancel();
      }
    }

    @Override
    public @Nullable Object scanUnsafe(Attr key) {
      if (key == Attr.PARENT) {
        return upstream;
      }
      if (key == Attr.ACTUAL) {
        return actual;
      }
      if (key == Attr.CANCELLED) {
        return cancelled;
      }
      if (key == Attr.TERMINATED) {
        return done;
      }
      if (key == Attr.REQUESTED_FROM_DOWNSTREAM) {
        return requested;
      }
      if (key == Attr.PREFETCH) {
        return BATCH;
      }
      if (key == Attr.RUN_STYLE) {
        return Attr.RunStyle.ASYNC;
      }
      return null;
    }
  }
}
