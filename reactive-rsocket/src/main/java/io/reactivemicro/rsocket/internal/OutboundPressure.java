package io.reactivemicro.rsocket.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * Ties what a connection reads to what its peer reads: while the connection's outbound buffer is above
 * its high-water mark (Netty's writability, {@link MicroServerTransport#WRITE_BUFFER_HIGH_WATER_MARK}),
 * the connection stops reading, so a peer that sends requests and never reads the answers cannot make the
 * server hold more than that buffer and the calls already in flight. Reading resumes once the buffer
 * drains below the low-water mark.
 *
 * <p>It also holds the streams that wait to emit until the connection is writable again (see
 * {@link PacedFlux}), and tells how long the connection has been unwritable, so that a peer that stops
 * reading altogether is cut off after the write timeout. Every method runs on the channel's event loop.
 */
final class OutboundPressure extends ChannelDuplexHandler {

  /** Reading is held while the outbound buffer is above its high-water mark. */
  private static final int UNWRITABLE = 1;
  /** Reading is held while the protocol handler has a request waiting to be served. */
  private static final int BACKLOG = 2;

  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private @Nullable Channel channel;
  /** Why reading is held now: a set of the reasons above. */
  private int holds;
  /** Whether this handler turned reading off, and so must turn it on again. */
  private boolean pausedReading;
  /** When the connection last became unwritable, or 0 while it is writable. */
  private long unwritableSince;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    if (!ctx.channel().isWritable()) {
      unwritableSince = System.nanoTime();
      hold(UNWRITABLE, true);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (ctx.channel().isWritable()) {
      unwritableSince = 0;
      hold(UNWRITABLE, false);
      runWaiting();
    } else {
      unwritableSince = System.nanoTime();
      hold(UNWRITABLE, true);
    }
    super.channelWritabilityChanged(ctx);
  }

  /**
   * Holds reading while the protocol handler has a whole request waiting behind the one it serves, so
   * that pipelined requests wait in the peer's socket rather than in the server's memory. On the event
   * loop only.
   *
   * @param backlog whether a request is waiting
   */
  void holdForBacklog(boolean backlog) {
    hold(BACKLOG, backlog);
  }

  private void hold(int reason, boolean on) {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    int before = holds;
    holds = on ? before | reason : before & ~reason;
    if (before == 0 && holds != 0 && ch.config().isAutoRead()) {
      pausedReading = true;
      ch.config().setAutoRead(false);
    } else if (before != 0 && holds == 0 && pausedReading) {
      pausedReading = false;
      ch.config().setAutoRead(true);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    // Streams waiting for writability learn of the close from their cancellation; drop them here.
    waiting.clear();
    super.channelInactive(ctx);
  }

  /** Returns the event loop of the connection. */
  EventExecutor executor() {
    Channel ch = channel;
    if (ch == null) {
      throw new IllegalStateException("not added to a pipeline");
    }
    return ch.eventLoop();
  }

  /** Returns whether the outbound buffer is below its high-water mark. */
  boolean writable() {
    Channel ch = channel;
    return ch != null && ch.isWritable();
  }

  /**
   * Runs {@code task} once the connection is writable: now when it is, else when it becomes so. A
   * connection that closes first never runs it. On the event loop only.
   */
  void whenWritable(Runnable task) {
    if (writable()) {
      task.run();
    } else if (channel != null && channel.isActive()) {
      waiting.add(task);
    }
  }

  /**
   * Returns whether the connection has been unwritable for {@code timeoutNanos} or longer: its peer is not
   * reading what it is sent.
   */
  boolean stalled(long now, long timeoutNanos) {
    long since = unwritableSince;
    return since != 0 && now - since >= timeoutNanos;
  }

  private void runWaiting() {
    // Only the tasks waiting now: one that finds the connection unwritable again waits anew.
    for (int i = waiting.size(); i > 0 && writable(); i--) {
      Runnable task = waiting.poll();
      if (task == null) {
        return;
      }
      task.run();
    }
  }
}
