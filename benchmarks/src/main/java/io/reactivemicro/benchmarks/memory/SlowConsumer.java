package io.reactivemicro.benchmarks.memory;

import io.reactivemicro.benchmarks.Payloads;
import io.reactivemicro.benchmarks.Payloads.Order;
import io.reactivemicro.benchmarks.client.MicroDriver;
import io.reactivemicro.benchmarks.load.Outcome;
import io.reactivemicro.benchmarks.server.ServerProcess;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * {@code slow-consumer}: a caller that asks for one message a millisecond from a stream of ten million,
 * for a bounded time. A server that produced ahead of demand would fill its heap with the stream; ours
 * must not. Reports the largest growth of the server's used heap (after full collections, sampled four
 * times) over its heap before the stream, and the latency from each request to its message (except
 * while the server is being sampled).
 */
public final class SlowConsumer {

  private SlowConsumer() {}

  /**
   * Runs the scenario.
   *
   * @param args how many seconds to consume for
   */
  public static void main(String[] args) throws InterruptedException {
    int seconds = Integer.parseInt(args[0]);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    try (ServerProcess server = ServerProcess.start("micro", "slow-consumer");
        MicroDriver driver = new MicroDriver(server.port(), false)) {
      Recorder latency = new Recorder(3);
      AtomicLong received = new AtomicLong();
      AtomicReference<@Nullable Throwable> error = new AtomicReference<>();
      Queue<Long> requestedAt = new ConcurrentLinkedQueue<>();
      // While the server's heap is sampled its full collections stop it; those messages are not timed.
      AtomicBoolean sampling = new AtomicBoolean();
      BaseSubscriber<Order> consumer = new BaseSubscriber<>() {
        @Override
        protected void hookOnSubscribe(Subscription subscription) {
          // Demand comes from the ticker only.
        }

        @Override
        protected void hookOnNext(Order value) {
          Long at = requestedAt.poll();
          if (at != null && at >= 0 && !sampling.get()) {
            latency.recordValue(System.nanoTime() - at);
          }
          received.incrementAndGet();
        }

        @Override
        protected void hookOnError(Throwable failure) {
          error.compareAndSet(null, failure);
        }

        @Override
        protected void hookOnComplete() {
          error.compareAndSet(null, new IllegalStateException("the stream completed early"));
        }
      };

      long before = server.heapAfterGc();
      driver.client().stream(Payloads.SERVICE, Payloads.SLOW, Payloads.ORDER, Order.class, driver.options())
          .subscribe(consumer);
      long start = System.nanoTime();
      ticker.scheduleAtFixedRate(() -> {
        requestedAt.add(sampling.get() ? -1L : System.nanoTime());
        consumer.request(1);
      }, 1, 1, TimeUnit.MILLISECONDS);

      long growth = 0;
      int samples = 4;
      for (int i = 1; i <= samples; i++) {
        Thread.sleep(Duration.ofSeconds(seconds).toMillis() / samples);
        sampling.set(true);
        growth = Math.max(growth, server.heapAfterGc() - before);
        Thread.sleep(50);
        sampling.set(false);
      }
      ticker.shutdownNow();
      double elapsed = (System.nanoTime() - start) / 1e9;
      consumer.dispose();

      new Outcome("slow-consumer", "micro")
          .put("ops_per_s", Math.round(received.get() / elapsed))
          .latencies(latency.getIntervalHistogram())
          .put("heap_growth_bytes", Math.max(0, growth))
          .put("received", received.get())
          .put("seconds", seconds)
          .errors(error.get() == null ? 0 : 1, error.get())
          .write();
    } finally {
      ticker.shutdownNow();
    }
    System.exit(0);
  }
}
