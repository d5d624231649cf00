package io.reactivemicro.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.internal.blockhound.ReactorBlockHoundIntegration;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.blockhound.integration.BlockHoundIntegration;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The Reactor allowance, in this module's test JVM where BlockHound is installed with every integration
 * on the class path: cancelling periodic tasks on a non-blocking thread while their executor's queue is
 * busy does not throw.
 */
class ReactorBlockHoundIntegrationTest {

  private static final Duration FOR = Duration.ofSeconds(2);

  @Test
  void theIntegrationIsRegisteredForServiceLoader() {
    assertThat(ServiceLoader.load(BlockHoundIntegration.class).stream().map(p -> p.type().getName()))
        .contains(ReactorBlockHoundIntegration.class.getName());
  }

  @Test
  void cancellingIntervalsOnANonBlockingThreadWhileTheirQueueIsBusyDoesNotThrow() throws InterruptedException {
    // The shape of rsocket-java's keep-alive: an interval on a parallel worker, cancelled from a
    // non-blocking thread (there, the event loop) while another thread schedules on the same executor.
    // Without the allowance this throws within the first few thousand cancels.
    Scheduler timers = Schedulers.newParallel("intervals", 1);
    Scheduler nonBlocking = Schedulers.newSingle("cancelling");
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    Thread busy = new Thread(() -> {
      while (!stop.get()) {
        timers.schedule(() -> { }, 1, TimeUnit.HOURS).dispose();
      }
    }, "scheduling");
    busy.setDaemon(true);
    busy.start();
    CountDownLatch done = new CountDownLatch(1);
    int[] cancelled = {0};
    try {
      nonBlocking.schedule(() -> {
        long end = System.nanoTime() + FOR.toNanos();
        try {
          while (System.nanoTime() < end && errors.isEmpty()) {
            Disposable interval = Flux.interval(Duration.ofHours(1), timers).subscribe();
            interval.dispose();
            cancelled[0]++;
          }
        } catch (Throwable e) {
          errors.add(e);
        } finally {
          done.countDown();
        }
      });
      // A failed cancel can leave the queue's lock unusable, so neither thread is waited for without a limit.
      assertThat(done.await(FOR.toSeconds() + 10, TimeUnit.SECONDS)).as("cancelling finished").isTrue();
    } finally {
      stop.set(true);
      nonBlocking.dispose();
      timers.dispose();
    }

    assertThat(errors).isEmpty();
    assertThat(cancelled[0]).isGreaterThan(1000);
  }
}
