package io.reactivemicro.benchmarks.load;

import io.reactivemicro.benchmarks.Payloads;
import io.reactivemicro.benchmarks.client.Driver;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * Request-streams of {@link Payloads#STREAM_MESSAGES} messages, one after another. The latency recorded
 * is the gap between consecutive messages, which shows the stalls of a stream (pauses, full windows).
 */
public final class StreamLoad extends Load {

  private final Driver driver;
  private volatile boolean streaming;
  private volatile @Nullable Disposable current;

  /**
   * Creates the load.
   *
   * @param driver the client
   */
  public StreamLoad(Driver driver) {
    this.driver = driver;
  }

  @Override
  protected void begin() {
    next();
  }

  private void next() {
    streaming = true;
    current = driver.stream(new Driver.Messages() {
      private long last = System.nanoTime();
      private long received;

      @Override
      public void onMessage() {
        long now = System.nanoTime();
        record(now - last);
        last = now;
        received++;
        completed(1);
      }

      @Override
      public void onEnd(@Nullable Throwable error) {
        if (!running) {
          streaming = false;
          return;
        }
        if (error != null) {
          failed(error);
        } else if (received != Payloads.STREAM_MESSAGES) {
          failed(new IllegalStateException("the stream ended after " + received + " messages"));
        }
        streaming = false;
        if (running) {
          next();
        }
      }
    });
  }

  @Override
  protected void cancel() {
    Disposable stream = current;
    if (stream != null) {
      stream.dispose();
    }
    streaming = false;
  }

  @Override
  protected long inFlight() {
    return streaming ? 1 : 0;
  }
}
