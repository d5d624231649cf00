package io.reactivemicro.internal.blockhound;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * For applications that run BlockHound: allows the brief lock wait of cancelling a periodic task on one of
 * Reactor's schedulers, which Reactor's own integration allows for one-shot tasks ({@code WorkerTask},
 * {@code SchedulerTask}) but not for periodic ones. Registered through {@code META-INF/services}, like
 * {@link NettyBlockHoundIntegration}; without BlockHound this class is never loaded.
 *
 * <p>Cancelling a task of a {@code ScheduledThreadPoolExecutor} removes it from the executor's queue under
 * the queue's lock, which the executor's own thread holds for a moment whenever it takes a task. rsocket-java
 * keeps each connection's keep-alive as a {@code Flux.interval} on {@code Schedulers.parallel()} and cancels
 * it from the event loop when the connection ends; when that cancel meets the lock taken, BlockHound throws
 * from inside the lock's wait. The lock's wait queue then keeps a waiter that is gone, so every later
 * waiter (the event loops starting keep-alives for new connections, the scheduler's own thread) waits
 * forever: the process hangs with no error, well after the throw.
 */
public final class ReactorBlockHoundIntegration implements BlockHoundIntegration {

  /** Creates the integration; {@link java.util.ServiceLoader} calls this. */
  public ReactorBlockHoundIntegration() {}

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside("reactor.core.scheduler.PeriodicWorkerTask", "dispose");
    builder.allowBlockingCallsInside("reactor.core.scheduler.InstantPeriodicWorkerTask", "dispose");
    builder.allowBlockingCallsInside("reactor.core.scheduler.PeriodicSchedulerTask", "dispose");
  }
}
