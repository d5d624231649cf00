package io.reactivemicro.benchmarks.load;

import io.reactivemicro.benchmarks.Payloads;
import io.reactivemicro.benchmarks.client.Driver;
import org.jspecify.annotations.Nullable;

/**
 * Echo channels of {@link Payloads#CHANNEL_MESSAGES} requests, one after another, each keeping
 * {@link Payloads#WINDOW} requests sent and not yet echoed. The latency recorded is each request's round
 * trip: echoes come back in order, so each one is matched with the oldest request not yet echoed. A
 * stopping load lets the channel under way finish, as a cancelled gRPC call would log server errors.
 */
public final class ChannelLoad extends Load {

  private final Driver driver;
  private volatile boolean open;

  /**
   * Creates the load.
   *
   * @param driver the client
   */
  public ChannelLoad(Driver driver) {
    this.driver = driver;
  }

  @Override
  protected void begin() {
    next();
  }

  private void next() {
    open = true;
    new Exchange().start();
  }

  @Override
  protected long inFlight() {
    return open ? 1 : 0;
  }

  /** One channel; its methods are serialized by its monitor, whichever thread calls them. */
  private final class Exchange implements Driver.ChannelEvents {
    private final long[] sentAt = new long[Payloads.WINDOW];
    private Driver.@Nullable Channel channel;
    private int sent;
    private int echoed;
    private boolean completeSent;
    private boolean ended;

    synchronized void start() {
      channel = driver.channel(this);
      pump();
    }

    private void pump() {
      Driver.Channel requests = channel;
      if (requests == null || ended) {
        return;
      }
      while (sent < Payloads.CHANNEL_MESSAGES && sent - echoed < Payloads.WINDOW && requests.ready()) {
        sentAt[sent % Payloads.WINDOW] = System.nanoTime();
        sent++;
        requests.send();
      }
      if (sent == Payloads.CHANNEL_MESSAGES && !completeSent) {
        completeSent = true;
        requests.complete();
      }
    }

    @Override
    public synchronized void onReady() {
      pump();
    }

    @Override
    public synchronized void onMessage() {
      record(System.nanoTime() - sentAt[echoed % Payloads.WINDOW]);
      echoed++;
      completed(1);
      pump();
    }

    @Override
    public synchronized void onEnd(@Nullable Throwable error) {
      if (ended) {
        return;
      }
      ended = true;
      if (!running) {
        open = false;
        return;
      }
      if (error != null) {
        failed(error);
      } else if (echoed != Payloads.CHANNEL_MESSAGES) {
        failed(new IllegalStateException("the channel ended after " + echoed + " echoes"));
      }
      open = false;
      if (running) {
        next();
      }
    }
  }
}
