package io.reactivemicro.internal.blockhound;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * For applications that run BlockHound: allows the brief lock waits inside Netty that Netty's own
 * BlockHound integration does not list yet, so that BlockHound reports blocking I/O rather than these.
 * Registered through {@code META-INF/services}; BlockHound is an optional dependency, and without it this
 * class is never loaded. It ships with the API rather than with one transport because Netty comes in
 * through several plugins (the RSocket transport, Lettuce for Redis, R2DBC for PostgreSQL), and every
 * plugin depends on the API; the classes are named as strings, so nothing here needs Netty.
 *
 * <p>Netty 4.2's default {@code AdaptivePoolingAllocator} takes a magazine's {@code StampedLock} write
 * lock when a magazine is retired, which it does when contention makes it add magazines; under that
 * contention the lock parks for a moment. Netty's integration allows the same kind of wait in
 * {@code PoolArena} and {@code PoolChunk} but not here. Without this, BlockHound throws inside whatever
 * allocated: in rsocket-java's frame encoding on a Reactor thread, which then drops that response
 * without a trace, or in Lettuce's {@code CommandHandler.channelRegistered} on its I/O thread, which then
 * has no read buffer, ignores the server's reply to the handshake and fails the connection only when
 * the handshake times out a minute later.
 *
 * <p>A leak report is logged through {@code java.util.logging}, whose handlers initialize under a lock;
 * a report must not fail in turn. Shutting an executor down queues a wake-up task on its
 * {@code LinkedBlockingQueue}, whose lock the executor's own thread may hold for a moment: Netty allows
 * the same offer in {@code SingleThreadEventExecutor.addTask} but not on the way down, and Lettuce shuts
 * its event loops down from one of its own (non-blocking) threads.
 */
public final class NettyBlockHoundIntegration implements BlockHoundIntegration {

  /** Creates the integration; {@link java.util.ServiceLoader} calls this. */
  public NettyBlockHoundIntegration() {}

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
    builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "free");
    builder.allowBlockingCallsInside("io.netty.util.ResourceLeakDetector", "reportTracedLeak");
    builder.allowBlockingCallsInside("io.netty.util.ResourceLeakDetector", "reportUntracedLeak");
    builder.allowBlockingCallsInside("io.netty.util.concurrent.SingleThreadEventExecutor", "shutdownGracefully");
  }
}
