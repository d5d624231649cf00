package io.reactivemicro.rsocket.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Ties what a connection reads to what its peer reads. The connection is <em>blocked</em> while what waits
 * to be written is above its high-water mark: more than {@value #HIGH_BYTES} bytes or {@value #HIGH_FRAMES}
 * frames queued by rsocket-java (see {@link TransportConnection}), or Netty's outbound buffer above
 * {@link MicroServerTransport#WRITE_BUFFER_HIGH_WATER_MARK} (Netty's writability). While blocked, the
 * connection is not read, so a peer that sends requests and never reads the answers cannot make the server
 * hold more than that and the calls already in flight; and streams wait to emit (see {@link PacedFlux}).
 * It is unblocked once both have drained below half their marks.
 *
 * <p>It also tells how long the connection has been blocked, so that a peer that stops reading altogether
 * is cut off after the write timeout, and holds reading for the HTTP handler while a pipelined request
 * waits. Every method runs on the channel's event loop but {@link #enqueued(int)}.
 */
final class OutboundPressure extends ChannelDuplexHandler {

  /** Above this many bytes queued by rsocket-java, the connection is blocked. */
  static final int HIGH_BYTES = MicroServerTransport.WRITE_BUFFER_HIGH_WATER_MARK;
  /** Above this many frames queued by rsocket-java, the connection is blocked. */
  static final int HIGH_FRAMES = 1024;

  /** Reading is held while the connection is blocked. */
  private static final int BLOCKED = 1;
  /** Reading is held while the HTTP handler has a request waiting to be served. */
  private static final int BACKLOG = 2;

  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicLong queuedFrames = new AtomicLong();
  private final Runnable update = this::update;
  private @Nullable Channel channel;
  private volatile boolean blocked;
  /** When the connection was last blocked, or 0 while it is not. */
  private long blockedSince;
  /** Why reading is held now: a set of the reasons above. */
  private int holds;
  /** Whether this handler turned reading off, and so must turn it on again. */
  private boolean pausedReading;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    update();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    update();
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    // Streams waiting to emit learn of the close from their cancellation; drop them here.
    waiting.clear();
    super.channelInactive(ctx);
  }

  /** Counts a frame queued to be written; any thread. */
  void enqueued(int bytes) {
    long frames = queuedFrames.incrementAndGet();
    long total = queuedBytes.addAndGet(bytes);
    if (!blocked && (total > HIGH_BYTES || frames > HIGH_FRAMES)) {
      updateOnLoop();
    }
  }

  /** Counts a frame taken from the queue to be written; any thread, mostly the event loop. */
  void dequeued(int bytes) {
    long frames = queuedFrames.decrementAndGet();
    long total = queuedBytes.addAndGet(-bytes);
    if (blocked && total < HIGH_BYTES / 2 && frames < HIGH_FRAMES / 2) {
      updateOnLoop();
    }
  }

  private void updateOnLoop() {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    // Most frames come and go on the event loop; from another thread (a handler's own) it hands over.
    if (ch.eventLoop().inEventLoop()) {
      update();
    } else {
      ch.eventLoop().execute(update);
    }
  }

  private void update() {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    long bytes = queuedBytes.get();
    long frames = queuedFrames.get();
    boolean block = blocked
        ? !ch.isWritable() || bytes >= HIGH_BYTES / 2 || frames >= HIGH_FRAMES / 2
        : !ch.isWritable() || bytes > HIGH_BYTES || frames > HIGH_FRAMES;
    if (block == blocked) {
      return;
    }
    blocked = block;
    blockedSince = block ? System.nanoTime() : 0;
    hold(BLOCKED, block);
    if (!block) {
      runWaiting();
    }
  }

  /**
   * Holds reading while the HTTP handler has a whole request waiting behind the one it serves, so that
   * pipelined requests wait in the peer's socket rather than in the server's memory.
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

  /** Returns the event loop of the connection. */
  EventExecutor executor() {
    Channel ch = channel;
    if (ch == null) {
      throw new IllegalStateException("not added to a pipeline");
    }
    return ch.eventLoop();
  }

  /** Returns whether what waits to be written is below the high-water mark. */
  boolean writable() {
    return !blocked;
  }

  /**
   * Runs {@code task} once the connection is not blocked: now when it is not, else when it no longer is.
   * A connection that closes first never runs it.
   */
  void whenWritable(Runnable task) {
    if (!blocked) {
      task.run();
    } else if (channel != null && channel.isActive()) {
      waiting.add(task);
    }
  }

  /**
   * Returns whether the connection has been blocked for {@code timeoutNanos} or longer: its peer is not
   * reading what it is sent.
   */
  boolean stalled(long now, long timeoutNanos) {
    long since = blockedSince;
    return since != 0 && now - since >= timeoutNanos;
  }

  private void runWaiting() {
    // Only the tasks waiting now: one that finds the connection blocked again waits anew.
    for (int i = waiting.size(); i > 0 && !blocked; i--) {
      Runnable task = waiting.poll();
      if (task == null) {
        return;
      }
      task.run();
    }
  }
}
