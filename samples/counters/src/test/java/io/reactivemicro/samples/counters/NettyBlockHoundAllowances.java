package io.reactivemicro.samples.counters;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Allows the brief lock waits inside Netty that Netty's own BlockHound integration does not list yet, so
 * that BlockHound reports blocking I/O rather than these. Registered through {@code META-INF/services}.
 *
 * <p>Netty 4.2's default {@code AdaptivePoolingAllocator} takes a magazine's {@code StampedLock} write
 * lock when a magazine is retired; under contention that parks for a moment. Netty's integration allows
 * the same kind of wait in {@code PoolArena} and {@code PoolChunk} but not here. Without this, BlockHound
 * throws inside rsocket-java's frame encoding on a Reactor thread, and rsocket-java drops that response
 * without a trace: the call then hangs until its timeout. A leak report is logged through
 * {@code java.util.logging}, whose handlers initialize under a lock; a report must not fail in turn.
 *
 * <p>The first concurrent requests for one type also wait for each other inside Jackson: its
 * {@code DeserializerCache} builds a type's deserializer under a {@code ReentrantLock}, and the HTTP
 * handler asks the JSON codec for a reader on the event loop. That wait lasts while another thread builds
 * the deserializer (no I/O); without this allowance the HTTP connection is closed with no answer.
 */
public final class NettyBlockHoundAllowances implements BlockHoundIntegration {

  /** Creates the integration; {@link java.util.ServiceLoader} calls this. */
  public NettyBlockHoundAllowances() {}

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
    builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "free");
    builder.allowBlockingCallsInside("io.netty.util.ResourceLeakDetector", "reportTracedLeak");
    builder.allowBlockingCallsInside("io.netty.util.ResourceLeakDetector", "reportUntracedLeak");
    builder.allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache", "_createAndCacheValueDeserializer");
  }
}
