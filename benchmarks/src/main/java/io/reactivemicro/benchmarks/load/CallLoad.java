package io.reactivemicro.benchmarks.load;

import io.reactivemicro.benchmarks.client.Driver;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request-response calls with a fixed number in flight: each of {@code concurrency} chains makes its next
 * call as its previous one ends (a closed loop). Latency is from the call's start to its end.
 */
public final class CallLoad extends Load {

  private final Driver driver;
  private final int concurrency;
  private final AtomicLong inFlight = new AtomicLong();

  /**
   * Creates the load.
   *
   * @param driver the client
   * @param concurrency calls in flight
   */
  public CallLoad(Driver driver, int concurrency) {
    this.driver = driver;
    this.concurrency = concurrency;
  }

  @Override
  protected void begin() {
    for (int i = 0; i < concurrency; i++) {
      next();
    }
  }

  private void next() {
    inFlight.incrementAndGet();
    long start = System.nanoTime();
    try {
      driver.call(error -> {
        record(System.nanoTime() - start);
        inFlight.decrementAndGet();
        if (error != null) {
          failed(error);
        } else {
          completed(1);
        }
        if (running) {
          next();
        }
      });
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      failed(e);
    }
  }

  @Override
  protected long inFlight() {
    return inFlight.get();
  }
}
