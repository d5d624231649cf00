package io.reactivemicro.sync.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.internal.SerializingExecutor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The grpc-java allowance of reactive-api ({@code GrpcBlockHoundIntegration}), in a test JVM where
 * BlockHound is installed with every integration on the class path: handing callbacks to a busy thread
 * pool from a non-blocking thread, as grpc-java does from its event loop for every etcd response, does
 * not throw.
 */
class GrpcBlockHoundTest {

  private static final Duration FOR = Duration.ofSeconds(2);

  @Test
  void handingCallbacksToAPoolWhoseLockIsBusyFromANonBlockingThreadDoesNotThrow() throws InterruptedException {
    // Workers that end as soon as they are idle, so that nearly every hand-off adds one under the pool's
    // lock, which another thread keeps taking. Without the allowance this throws within the first second.
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.NANOSECONDS,
        new SynchronousQueue<>());
    Scheduler nonBlocking = Schedulers.newSingle("event-loop-like");
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    Thread busy = new Thread(() -> {
      while (!stop.get()) {
        pool.getPoolSize();
      }
    }, "pool-watcher");
    busy.setDaemon(true);
    busy.start();
    CountDownLatch done = new CountDownLatch(1);
    int[] handed = {0};
    try {
      nonBlocking.schedule(() -> {
        long end = System.nanoTime() + FOR.toNanos();
        try {
          while (System.nanoTime() < end && errors.isEmpty()) {
            new SerializingExecutor(pool).execute(() -> { });
            handed[0]++;
          }
        } catch (Throwable e) {
          errors.add(e);
        } finally {
          done.countDown();
        }
      });
      // A failed hand-off can leave the pool's lock unusable, so nothing is waited for without a limit.
      assertThat(done.await(FOR.toSeconds() + 10, TimeUnit.SECONDS)).as("handing off finished").isTrue();
    } finally {
      stop.set(true);
      nonBlocking.dispose();
      pool.shutdown();
    }

    assertThat(errors).isEmpty();
    assertThat(handed[0]).isGreaterThan(1000);
  }
}
