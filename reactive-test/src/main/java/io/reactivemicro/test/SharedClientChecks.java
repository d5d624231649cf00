package io.reactivemicro.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.plugin.spi.SharedClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * The checks of how backends hold their server's client, the same for every abstraction: the contract
 * suites run them with the operations of theirs. Backends created from settings share one client per
 * server through {@link SharedClients}, counted under a key such as {@code lettuce redis://127.0.0.1:6379};
 * backends built on a client the application gives them leave it open when they close.
 *
 * <pre>{@code
 * SharedClientChecks.shareOneClientUntilTheLastCloses("lettuce redis://127.0.0.1:6379",
 *     () -> Sync.fromSettings(settings), Sync::close,
 *     (first, second) -> ...,  // the two work together on one client
 *     second -> ...);          // and the second goes on once the first closed
 * }</pre>
 *
 * <p>Every method blocks, and so must run on the test's thread.
 */
public final class SharedClientChecks {

  /** How long closing a backend may take. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private static final int THREADS = 6;
  private static final int ROUNDS = 15;

  private SharedClientChecks() {}

  /**
   * Checks that two backends from settings hold one client under {@code key}: none is held before, both
   * hold it while open, and once the first closed the second holds it alone and still works; none is held
   * once both closed. Each backend is closed twice, which must be harmless.
   *
   * @param key the key the backends share their client under
   * @param fromSettings creates a backend from settings
   * @param close closes a backend
   * @param together uses the two backends, each seeing what the other did
   * @param afterTheFirstClosed uses the second backend once the first closed
   * @param <B> the type of backend
   */
  public static <B> void shareOneClientUntilTheLastCloses(String key, Supplier<? extends B> fromSettings,
      Function<? super B, Mono<Void>> close, BiConsumer<? super B, ? super B> together,
      Consumer<? super B> afterTheFirstClosed) {
    assertThat(SharedClients.references(key)).as("leases on %s before any backend", key).isZero();
    B first = fromSettings.get();
    B second = fromSettings.get();
    try {
      assertThat(SharedClients.references(key)).as("leases on %s of two open backends", key).isEqualTo(2);
      together.accept(first, second);
      close.apply(first).block(CLOSE_TIMEOUT);
      assertThat(SharedClients.references(key)).as("leases on %s once the first closed", key).isEqualTo(1);
      afterTheFirstClosed.accept(second);
    } finally {
      close.apply(first).then(close.apply(second)).block(CLOSE_TIMEOUT);
    }
    assertThat(SharedClients.references(key)).as("leases on %s once both closed", key).isZero();
  }

  /**
   * Checks that backends created from settings and closed on several threads at once, round after round,
   * all work, and that no lease on the client of {@code key} is left once they all closed.
   *
   * @param key the key the backends share their client under
   * @param fromSettings creates a backend from settings
   * @param close closes a backend
   * @param use uses a backend; given a name unique to its thread, so that threads do not contend
   * @param <B> the type of backend
   * @throws Exception when a thread failed or did not finish in time
   */
  public static <B> void createdAndClosedConcurrently(String key, Supplier<? extends B> fromSettings,
      Function<? super B, Mono<Void>> close, BiConsumer<? super B, String> use) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        String thread = "t" + t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < ROUNDS; i++) {
            B backend = fromSettings.get();
            try {
              use.accept(backend, thread);
            } finally {
              close.apply(backend).block(CLOSE_TIMEOUT);
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(SharedClients.references(key)).as("leases on %s once every backend closed", key).isZero();
  }

  /**
   * Checks that two backends built on a client of the application work together, and that closing them
   * leaves the client open: {@link ApplicationClient#assertLeftOpen()} passes, and a third backend built on
   * the client afterwards works. The client is closed at the end.
   *
   * @param client the application's client
   * @param close closes a backend
   * @param together uses the two backends, each seeing what the other did
   * @param afterwards uses the third backend, built once the two closed
   * @param <B> the type of backend
   * @throws Exception when the client's checks or its closing fail
   */
  public static <B> void leftOpenByBackendsBuiltOnIt(ApplicationClient<B> client,
      Function<? super B, Mono<Void>> close, BiConsumer<? super B, ? super B> together,
      Consumer<? super B> afterwards) throws Exception {
    try {
      B first = client.newBackend();
      B second = client.newBackend();
      together.accept(first, second);
      Mono.when(close.apply(first), close.apply(second)).block(CLOSE_TIMEOUT);
      client.assertLeftOpen();
      B third = client.newBackend();
      try {
        afterwards.accept(third);
      } finally {
        close.apply(third).block(CLOSE_TIMEOUT);
      }
    } finally {
      client.close();
    }
  }
}
