package io.reactivemicro.internal.blockhound;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * For applications that run BlockHound with the Redis plugins: allows the wait for Lettuce's endpoint
 * lock, a brief in-memory lock and not I/O, so that BlockHound reports blocking I/O rather than this.
 * Registered through {@code META-INF/services} beside {@link NettyBlockHoundIntegration}, for the same
 * reasons; Lettuce is named as strings, so nothing here needs it.
 *
 * <p>Lettuce writes every command under the {@code SharedLock} of the connection's endpoint, whose
 * {@code ReentrantLock} parks for a moment when two threads write to one connection at once, and its I/O
 * thread takes the same lock exclusively when the connection becomes active or inactive. The Redis
 * plugins send commands from whatever thread asks (a Reactor or a Lettuce thread: both non-blocking), as
 * Lettuce's reactive API is meant to be used. A {@code BlockingOperationError} thrown out of that park
 * does not just fail one command. Lettuce 7.7's {@code DefaultEndpoint.write} decrements the writer count
 * in a {@code finally} although the failed {@code incrementWriters} never incremented it, so the count
 * stays negative: the next write to the connection spins forever in {@code incrementWriters}, holding the
 * lock, and every later writer and the I/O thread's exclusive work park behind it. That is the endless
 * spin of redis/lettuce#3880 (see also #3804), reached another way for which no upstream issue exists
 * yet. On JDK 17 the thrown park also leaves its waiter queued in the lock. {@code doExclusive} is
 * allowed as a whole: what it runs under the lock is Lettuce's own bookkeeping of the connection's state
 * and command queues.
 */
public final class LettuceBlockHoundIntegration implements BlockHoundIntegration {

  /** Creates the integration; {@link java.util.ServiceLoader} calls this. */
  public LettuceBlockHoundIntegration() {}

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters");
    builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "doExclusive");
  }
}
