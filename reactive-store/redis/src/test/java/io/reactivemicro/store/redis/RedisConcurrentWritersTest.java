package io.reactivemicro.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Many non-blocking threads writing to one Lettuce connection at once, as the Redis plugins do (a
 * command goes out from whichever Reactor or Lettuce thread asks for it), with BlockHound installed as in
 * every test JVM: the writers contend for the lock of the connection's endpoint, and the connection
 * stays usable. Without {@code io.reactivemicro.internal.blockhound.LettuceBlockHoundIntegration} BlockHound throws
 * out of that lock, Lettuce's writer count goes negative, and the next write spins forever.
 */
class RedisConcurrentWritersTest {

  private static final RedisURI URI = RedisURI.create("redis://127.0.0.1:6379");
  private static final int THREADS = 8;
  private static final int COMMANDS = 500;

  @Test
  void nonBlockingThreadsWritingToOneConnectionAtOnceLeaveItUsable() throws Exception {
    RedisClient client = RedisClient.create(URI);
    Scheduler threads = Schedulers.newParallel("writing", THREADS);
    StatefulRedisConnection<String, String> connection = client.connect();
    try {
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      Queue<CompletableFuture<String>> replies = new ConcurrentLinkedQueue<>();
      AtomicBoolean go = new AtomicBoolean();
      CountDownLatch written = new CountDownLatch(THREADS);
      for (int t = 0; t < THREADS; t++) {
        threads.schedule(() -> {
          try {
            // Spins rather than waits: on these threads BlockHound counts a wait, and even Thread.onSpinWait,
            // as blocking.
            while (!go.get()) {
              // until all have started
            }
            for (int i = 0; i < COMMANDS; i++) {
              replies.add(connection.async().ping().toCompletableFuture());
            }
          } catch (Throwable e) {
            errors.add(e);
          } finally {
            written.countDown();
          }
        });
      }
      go.set(true);

      assertThat(written.await(30, TimeUnit.SECONDS)).as("every writer done").isTrue();
      assertThat(errors).isEmpty();
      CompletableFuture.allOf(replies.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
      assertThat(replies).hasSize(THREADS * COMMANDS)
          .allSatisfy(reply -> assertThat(reply).isCompletedWithValue("PONG"));
      // A command after the burst still goes out: the endpoint's lock is not left broken.
      assertThat(connection.async().ping().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo("PONG");
    } finally {
      threads.dispose();
      // On another thread, and given up on after a while: were the lock broken, closing would wait for it.
      CompletableFuture.runAsync(() -> {
        connection.close();
        client.shutdown();
      }).completeOnTimeout(null, 20, TimeUnit.SECONDS).join();
    }
  }
}
