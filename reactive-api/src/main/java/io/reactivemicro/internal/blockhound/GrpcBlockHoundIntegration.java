package io.reactivemicro.internal.blockhound;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * For applications that run BlockHound with the etcd plugins: allows the brief lock wait of grpc-java
 * handing a call's callbacks from its Netty event loop to the call's executor. Registered through
 * {@code META-INF/services} beside {@link NettyBlockHoundIntegration}, for the same reasons; grpc-java is
 * named as a string, so nothing here needs it.
 *
 * <p>jetcd talks to etcd through grpc-java over Netty, whose event loops BlockHound treats as
 * non-blocking. For each response grpc-java's {@code SerializingExecutor} submits the callbacks to the
 * call's executor, a {@code ThreadPoolExecutor}; when that adds a worker it takes the pool's main lock,
 * which the pool's threads hold for a moment as they start and end. When BlockHound throws from that
 * wait, grpc-java fails the call with {@code UNKNOWN: Uncaught exception in the SynchronizationContext},
 * and on JDK 17 the thrown wait also leaves its waiter queued in the lock.
 */
public final class GrpcBlockHoundIntegration implements BlockHoundIntegration {

  /** Creates the integration; {@link java.util.ServiceLoader} calls this. */
  public GrpcBlockHoundIntegration() {}

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside("io.grpc.internal.SerializingExecutor", "schedule");
  }
}
