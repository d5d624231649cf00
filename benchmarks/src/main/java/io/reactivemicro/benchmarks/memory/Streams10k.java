package io.reactivemicro.benchmarks.memory;

import io.reactivemicro.benchmarks.client.Driver;
import io.reactivemicro.benchmarks.client.Drivers;
import io.reactivemicro.benchmarks.load.Outcome;
import io.reactivemicro.benchmarks.server.BenchServer;
import io.reactivemicro.benchmarks.server.ServerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * {@code streams-10k}: opens 10,000 request-streams on one connection to one service, each of which
 * sends one message and stays open, and measures the heap each open stream retains on the server (and,
 * for information, on the client): used heap after full collections with every stream open, less the
 * same before. Latency is from opening a stream to its first message. Any error fails the scenario.
 */
public final class Streams10k {

  static final int STREAMS = 10_000;
  static final int WARM_UP_STREAMS = 1_000;

  private Streams10k() {}

  /**
   * Runs the scenario.
   *
   * @param args the implementation, {@code micro} or {@code rsocket}
   */
  public static void main(String[] args) throws InterruptedException {
    String impl = args[0];
    try (ServerProcess server = ServerProcess.start(impl, "streams-10k");
        Driver driver = Drivers.create(impl, server.port(), "streams-10k", 1)) {
      Recorder firstMessage = new Recorder(3);
      AtomicLong errors = new AtomicLong();
      AtomicReference<@Nullable Throwable> firstError = new AtomicReference<>();

      // Opened and cancelled first, so that what is loaded or cached on first use is not counted.
      for (Disposable stream : open(driver, WARM_UP_STREAMS, new Recorder(3), errors, firstError)) {
        stream.dispose();
      }
      firstMessage.reset();
      errors.set(0);
      firstError.set(null);

      long serverBefore = server.heapAfterGc();
      long clientBefore = BenchServer.heapAfterGc();
      long start = System.nanoTime();
      List<Disposable> streams = open(driver, STREAMS, firstMessage, errors, firstError);
      double seconds = (System.nanoTime() - start) / 1e9;
      long serverOpen = server.heapAfterGc();
      long clientOpen = BenchServer.heapAfterGc();
      holdForProfiling();
      streams.forEach(Disposable::dispose);
      Thread.sleep(500);
      long serverAfter = server.heapAfterGc();

      new Outcome("streams-10k", impl)
          .put("ops_per_s", Math.round(STREAMS / seconds))
          .latencies(firstMessage.getIntervalHistogram())
          .put("heap_bytes_per_stream", (serverOpen - serverBefore) / STREAMS)
          .put("client_heap_bytes_per_stream", (clientOpen - clientBefore) / STREAMS)
          .put("heap_after_cancel_bytes", serverAfter - serverBefore)
          .put("streams", STREAMS)
          .errors(errors.get(), firstError.get())
          .write();
    }
    System.exit(0);
  }

  /**
   * Keeps every stream open for {@code BENCH_HOLD_SECONDS} seconds when that variable is set, so that a
   * heap histogram of the server ({@code jmap -histo:live PID}) can be taken with them open.
   */
  private static void holdForProfiling() throws InterruptedException {
    String hold = System.getenv("BENCH_HOLD_SECONDS");
    if (hold != null && !hold.isBlank()) {
      System.out.println("# every stream open; holding " + hold.trim() + " s");
      Thread.sleep(Long.parseLong(hold.trim()) * 1000);
    }
  }

  /** Opens streams and waits until each has sent its first message. */
  private static List<Disposable> open(Driver driver, int count, Recorder firstMessage, AtomicLong errors,
      AtomicReference<@Nullable Throwable> firstError) throws InterruptedException {
    CountDownLatch opened = new CountDownLatch(count);
    List<Disposable> streams = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      streams.add(driver.open(new Driver.Messages() {
        private boolean first = true;

        @Override
        public void onMessage() {
          if (first) {
            first = false;
            firstMessage.recordValue(System.nanoTime() - start);
            opened.countDown();
          }
        }

        @Override
        public void onEnd(@Nullable Throwable error) {
          errors.incrementAndGet();
          firstError.compareAndSet(null, error != null ? error : new IllegalStateException("a stream ended"));
          if (first) {
            first = false;
            opened.countDown();
          }
        }
      }));
    }
    if (!opened.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException(opened.getCount() + " of " + count + " streams sent nothing in 120 s");
    }
    return streams;
  }
}
