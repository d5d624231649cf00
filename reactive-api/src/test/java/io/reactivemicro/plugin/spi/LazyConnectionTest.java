package io.reactivemicro.plugin.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class LazyConnectionTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final AtomicInteger attempts = new AtomicInteger();
  private final AtomicInteger closes = new AtomicInteger();

  @Test
  void theFirstSubscriptionConnectsOffTheCallersThreadAndTheOthersShareIt() {
    LazyConnection<String> lazy = LazyConnection.of("test", () -> {
      attempts.incrementAndGet();
      return "connection on " + Thread.currentThread().getName();
    }, c -> closes.incrementAndGet());
    assertThat(attempts).as("nothing is made before a subscription").hasValue(0);

    StepVerifier.create(lazy.get().subscribeOn(Schedulers.parallel()))
        .assertNext(c -> assertThat(c).startsWith("connection on boundedElastic-"))
        .verifyComplete();
    String second = lazy.get().block(TIMEOUT);
    assertThat(attempts).hasValue(1);

    lazy.close().block(TIMEOUT);
    assertThat(closes).hasValue(1);
    StepVerifier.create(lazy.get()).expectErrorMessage("the connection to test is closed").verify(TIMEOUT);
    assertThat(second).startsWith("connection on");
  }

  @Test
  void aFailedAttemptIsForgottenAndTriedAgain() {
    LazyConnection<String> lazy = LazyConnection.of("test", () -> {
      if (attempts.incrementAndGet() == 1) {
        throw new IOException("refused");
      }
      return "connection";
    }, c -> closes.incrementAndGet());

    StepVerifier.create(lazy.get()).expectErrorMessage("refused").verify(TIMEOUT);
    StepVerifier.create(lazy.get()).expectNext("connection").verifyComplete();
    assertThat(attempts).hasValue(2);
  }

  @Test
  void aConnectionMadeAfterCloseIsClosedAsItArrives() throws InterruptedException {
    CountDownLatch connecting = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    LazyConnection<String> lazy = LazyConnection.of("test", () -> {
      connecting.countDown();
      proceed.await(10, TimeUnit.SECONDS);
      return "late";
    }, c -> closes.incrementAndGet());
    Mono<String> pending = lazy.get().cache();
    pending.subscribe(c -> { }, e -> { });
    assertThat(connecting.await(10, TimeUnit.SECONDS)).isTrue();

    lazy.close().block(TIMEOUT);
    assertThat(closes).as("nothing was open when close ran").hasValue(0);
    proceed.countDown();

    StepVerifier.create(pending).expectErrorMessage("the connection to test is closed").verify(TIMEOUT);
    assertThat(closes).hasValue(1);
  }
}
