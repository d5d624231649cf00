package io.reactivemicro.benchmarks.load;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * Keeps an implementation busy from start to stop, counting what completes and recording latencies in
 * nanoseconds. JMH's benchmark thread only waits for the next batch of operations, so the load never
 * ramps down between invocations and the thread takes no CPU from the event loops.
 */
public abstract class Load {

  private static final Duration STALL = Duration.ofSeconds(30);

  private final Recorder recorder = new Recorder(3);
  private final Histogram measured = new Histogram(3);
  private final AtomicLong ops = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicReference<@Nullable Throwable> firstError = new AtomicReference<>();
  private final AtomicReference<@Nullable Thread> waiter = new AtomicReference<>();
  private volatile long target = Long.MAX_VALUE;
  private volatile boolean recording;
  /** Whether new operations may start. */
  protected volatile boolean running;

  /** Starts the load. */
  public final void start() {
    running = true;
    begin();
  }

  /** Starts the first operations. */
  protected abstract void begin();

  /** Returns how many operations are under way. */
  protected abstract long inFlight();

  /** Cancels what would not end soon by itself, such as a long stream; nothing by default. */
  protected void cancel() {}

  /**
   * Waits for {@code count} more operations to complete.
   *
   * @param count how many
   * @throws IllegalStateException when nothing completed for 30 s
   */
  public final void await(long count) {
    await(count, Long.MAX_VALUE);
  }

  /**
   * Waits for {@code count} more operations to complete, or for {@code maxNanos} to pass.
   *
   * @param count how many
   * @param maxNanos the longest wait
   * @throws IllegalStateException when nothing completed for 30 s
   */
  public final void await(long count, long maxNanos) {
    long started = System.nanoTime();
    long goal = ops.get() + count;
    target = goal;
    Thread self = Thread.currentThread();
    long last = ops.get();
    long lastProgress = System.nanoTime();
    while (ops.get() < goal && System.nanoTime() - started < maxNanos) {
      waiter.set(self);
      if (ops.get() >= goal) {
        break;
      }
      LockSupport.parkNanos(this, 50_000_000L);
      long now = ops.get();
      if (now != last) {
        last = now;
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
        throw new IllegalStateException("no progress for " + STALL.toSeconds() + " s; " + errors.get()
            + " errors, the first: " + firstError.get(), firstError.get());
      }
    }
    waiter.set(null);
    target = Long.MAX_VALUE;
  }

  /** Counts completed operations, waking the benchmark thread when its batch is done. */
  protected final void completed(long count) {
    long now = ops.addAndGet(count);
    if (now >= target) {
      Thread waiting = waiter.getAndSet(null);
      if (waiting != null) {
        LockSupport.unpark(waiting);
      }
    }
  }

  /** Records a latency, when measuring. */
  protected final void record(long nanos) {
    if (recording) {
      recorder.recordValue(Math.max(0, nanos));
    }
  }

  /** Counts an error. */
  protected final void failed(Throwable error) {
    errors.incrementAndGet();
    firstError.compareAndSet(null, error);
  }

  /** Starts an iteration: latencies are kept from measurement iterations only. */
  public final void beginIteration(boolean measurement) {
    recorder.getIntervalHistogram();
    recording = measurement;
  }

  /** Ends an iteration. */
  public final void endIteration() {
    if (recording) {
      recording = false;
      measured.add(recorder.getIntervalHistogram());
    }
  }

  /** Starts no more operations, cancels long ones and waits up to {@code timeout} for the rest. */
  public final void stop(Duration timeout) {
    running = false;
    cancel();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight() > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(10_000_000L);
    }
  }

  /** Returns the latencies of the measurement iterations, in nanoseconds. */
  public final Histogram histogram() {
    return measured;
  }

  /** Returns how many operations have completed so far. */
  public final long completedOps() {
    return ops.get();
  }

  /** Returns the number of errors. */
  public final long errors() {
    return errors.get();
  }

  /** Returns the first error, or {@code null}. */
  public final @Nullable Throwable firstError() {
    return firstError.get();
  }
}
