package io.reactivemicro.rsocket.internal;

import io.netty.util.concurrent.EventExecutor;
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
 * Paces a stream's responses to its connection: at most {@value #WINDOW} elements are asked of the
 * handler's {@code Flux} and not yet delivered, {@value #CHUNK} at a time; more are asked for on the
 * connection's event loop once half the window has been delivered, and only while what the connection has
 * to write is below its high-water mark.
 *
 * <p>Two things follow. A handler that emits synchronously and without end (such as
 * {@code Flux.range(0, Integer.MAX_VALUE)} with unbounded demand) emits at most a chunk per turn of the
 * event loop, so the connection's other frames, a {@code CANCEL} among them, and the other connections on
 * the loop are served in between. (A task merely submitted to the loop would not do: the loop runs the
 * tasks submitted while it runs tasks, for up to a second, before it reads its sockets again; a task
 * scheduled runs after the loop has read and written its sockets.) And a peer that asks for everything but
 * does not read holds at most a window per stream, and a connection's worth, in the server's queues. A handler that emits on its own
 * (a channel answering its requests as they come, a source on another thread) is asked for more as soon
 * as half the window has been sent: only a source that emits within the request that asked it waits for
 * the loop's next turn. The caller's demand is honoured as it is: what is asked of the handler
 * never exceeds it.
 *
 * @param <T> the element type
 */
final class PacedFlux<T> extends Flux<T> implements Scannable {

  /** At most this many elements are asked of the handler and not yet delivered. */
  static final int WINDOW = 512;
  /** They are asked for this many at a time; a synchronous source emits at most this many per loop turn. */
  static final int CHUNK = 64;
  /** More are asked for once no more than this many are outstanding. */
  static final int REFILL = WINDOW / 2;

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
  @SuppressWarnings("rawtypes")
  public @Nullable Object scanUnsafe(Attr key) {
    if (key == Attr.PARENT) {
      return source;
    }
    if (key == Attr.PREFETCH) {
      return WINDOW;
    }
    if (key == Attr.RUN_STYLE) {
      return Attr.RunStyle.ASYNC;
    }
    return null;
  }

  private static final class PacedSubscriber<T> implements CoreSubscriber<T>, Subscription, Runnable, Scannable {

    /** No task that asks for more is due: a request from downstream, or a refill, schedules one. */
    private static final int IDLE = 0;
    /** A task that asks for more is scheduled, or waits for the connection to be writable. */
    private static final int SCHEDULED = 1;

    @SuppressWarnings("rawtypes")
    private static final AtomicLongFieldUpdater<PacedSubscriber> REQUESTED =
        AtomicLongFieldUpdater.newUpdater(PacedSubscriber.class, "requested");
    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<PacedSubscriber> STATE =
        AtomicIntegerFieldUpdater.newUpdater(PacedSubscriber.class, "state");
    @SuppressWarnings("rawtypes")
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
    /** What was asked of the handler and has not arrived yet. */
    private volatile int outstanding;
    /** Whether this subscriber is asking the handler for more, on the event loop, right now. */
    private boolean requesting;
    /** Whether the handler emitted within the last request: a synchronous source. */
    private boolean emittedWhileRequesting;

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
      if (requesting) {
        emittedWhileRequesting = true;
      }
      actual.onNext(value);
      if (OUTSTANDING.decrementAndGet(this) <= REFILL && !cancelled && STATE.compareAndSet(this, IDLE, SCHEDULED)) {
        refill();
      }
    }

    /**
     * Asks for more: at the loop's next turn when the handler emits within the request that asked it
     * (a synchronous source, which would otherwise run on for ever), at once when it emits on its own.
     */
    private void refill() {
      EventExecutor loop = pressure.executor();
      if (requesting) {
        loop.schedule(this, 1, TimeUnit.NANOSECONDS);
      } else if (loop.inEventLoop()) {
        run();
      } else {
        loop.execute(this);
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

    /**
     * Asks for more, on the event loop, once the connection is writable: a chunk at a time up to the
     * window, but only one chunk when the handler emitted within the request (a synchronous source).
     */
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
      // Idle from here: demand or a refill that comes in meanwhile schedules another run, which finds
      // nothing to do if this one did it.
      state = IDLE;
      if (Math.max(0, outstanding) > REFILL) {
        return;
      }
      while (!cancelled && !done && pressure.writable()) {
        long r = requested;
        int asked = Math.max(0, outstanding);
        long notAsked = r == Long.MAX_VALUE ? Long.MAX_VALUE : r - asked;
        int n = (int) Math.min(CHUNK, Math.min(WINDOW - asked, notAsked));
        if (n <= 0) {
          return;
        }
        OUTSTANDING.addAndGet(this, n);
        emittedWhileRequesting = false;
        requesting = true;
        try {
          s.request(n);
        } finally {
          requesting = false;
        }
        if (emittedWhileRequesting) {
          // A synchronous source: its refill waits for the loop's next turn.
          return;
        }
      }
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
    @SuppressWarnings("rawtypes")
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
        return WINDOW;
      }
      if (key == Attr.RUN_STYLE) {
        return Attr.RunStyle.ASYNC;
      }
      return null;
    }
  }
}
