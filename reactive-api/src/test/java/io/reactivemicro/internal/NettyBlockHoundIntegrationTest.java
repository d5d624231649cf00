package io.reactivemicro.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.RejectedExecutionHandlers;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.concurrent.ThreadPerTaskExecutor;
import io.reactivemicro.internal.blockhound.LettuceBlockHoundIntegration;
import io.reactivemicro.internal.blockhound.NettyBlockHoundIntegration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import reactor.blockhound.integration.BlockHoundIntegration;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The Netty allowances, in this module's test JVM where BlockHound is installed with every integration on
 * the class path: on Reactor's non-blocking threads, the brief waits they allow do not throw.
 */
class NettyBlockHoundIntegrationTest {

  private static final int THREADS = 8;

  @Test
  void theIntegrationsAreRegisteredForServiceLoader() {
    List<String> loaded = ServiceLoader.load(BlockHoundIntegration.class).stream()
        .map(provider -> provider.type().getName())
        .toList();

    assertThat(loaded)
        .contains(NettyBlockHoundIntegration.class.getName(), LettuceBlockHoundIntegration.class.getName());
  }

  @Test
  void allocatingOnNonBlockingThreadsWhileTheAllocatorAddsMagazinesDoesNotThrow() throws InterruptedException {
    // A new allocator starts with few magazines and adds more as threads contend for them,
    // retiring the old ones under their locks: the wait Lettuce's I/O threads met when many clients
    // registered channels at once. Without the allowance about a round in four throws here.
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    Scheduler threads = Schedulers.newParallel("allocating", THREADS);
    try {
      for (int round = 0; round < 50 && errors.isEmpty(); round++) {
        AdaptiveByteBufAllocator allocator = new AdaptiveByteBufAllocator();
        onAll(threads, () -> {
          for (int i = 0; i < 50; i++) {
            ByteBuf buffer = allocator.directBuffer(64 * 1024);
            buffer.writeLong(i);
            buffer.release();
          }
        }, errors);
      }
    } finally {
      threads.dispose();
    }

    assertThat(errors).isEmpty();
  }

  @Test
  void shuttingAnExecutorDownFromANonBlockingThreadDoesNotThrow() throws InterruptedException {
    // Its task queue's offer waits, as a LinkedBlockingQueue's does while the executor's thread holds its lock.
    BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>() {
      @Override
      public boolean offer(Runnable task) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        return super.offer(task);
      }
    };
    SingleThreadEventExecutor executor = new SingleThreadEventExecutor(null,
        new ThreadPerTaskExecutor(new DefaultThreadFactory("queue-waiting")), true, queue,
        RejectedExecutionHandlers.reject()) {
      @Override
      protected void run() {
        do {
          Runnable task = takeTask();
          if (task != null) {
            runTask(task);
            updateLastExecutionTime();
          }
        } while (!confirmShutdown());
      }
    };
    executor.submit(() -> { }).syncUninterruptibly();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    Scheduler thread = Schedulers.newSingle("shutting-down");
    try {
      CountDownLatch done = new CountDownLatch(1);
      thread.schedule(() -> {
        try {
          executor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        } catch (Throwable e) {
          errors.add(e);
        } finally {
          done.countDown();
        }
      });
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      thread.dispose();
    }

    assertThat(errors).isEmpty();
    assertThat(executor.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS)).isTrue();
  }

  // Runs the work on every thread of the scheduler at once and waits (here, on the test's thread) for all.
  private static void onAll(Scheduler threads, Runnable work, List<Throwable> errors) throws InterruptedException {
    AtomicBoolean go = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(THREADS);
    for (int t = 0; t < THREADS; t++) {
      threads.schedule(() -> {
        try {
          // Spins rather than waits: on these threads BlockHound counts a wait, and even Thread.onSpinWait,
          // as blocking.
          while (!go.get()) {
            // until all have started
          }
          work.run();
        } catch (Throwable e) {
          errors.add(e);
        } finally {
          done.countDown();
        }
      });
    }
    go.set(true);
    assertThat(done.await(30, TimeUnit.SECONDS)).as("every thread done").isTrue();
  }
}
