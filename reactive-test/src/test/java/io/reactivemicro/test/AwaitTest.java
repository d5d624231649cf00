package io.reactivemicro.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

class AwaitTest {

  private static final Duration SHORT = Duration.ofMillis(200);

  @Test
  void untilReturnsAsSoonAsTheConditionHolds() {
    AtomicInteger polls = new AtomicInteger();

    Await.until("the third poll", Duration.ofSeconds(10), () -> polls.incrementAndGet() == 3);

    assertThat(polls).hasValue(3);
  }

  @Test
  void untilFailsAfterTheTimeoutSayingWhatWasAwaited() {
    long start = System.nanoTime();

    assertThatThrownBy(() -> Await.until("the moon turns blue", SHORT, () -> false))
        .isInstanceOf(AssertionError.class)
        .hasMessage("timed out after 200 ms waiting until the moon turns blue");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(SHORT);
  }

  @Test
  void valueReturnsTheFirstAcceptedValueAndOtherwiseReportsTheLastOne() {
    AtomicInteger counter = new AtomicInteger();

    assertThat(Await.value(Duration.ofSeconds(10), counter::incrementAndGet, n -> n >= 4)).isEqualTo(4);
    assertThatThrownBy(() -> Await.value("a negative count", SHORT, () -> 7, n -> n < 0))
        .hasMessage("timed out after 200 ms waiting until a negative count; last value: 7");
  }

  @Test
  void untilAssertedRetriesFailedAssertionsAndKeepsTheLastAsTheCause() {
    AtomicInteger counter = new AtomicInteger();
    Await.untilAsserted(Duration.ofSeconds(10), () -> assertThat(counter.incrementAndGet()).isEqualTo(3));

    assertThatThrownBy(() -> Await.untilAsserted("it is empty", SHORT, () -> assertThat("full").isEmpty()))
        .hasMessageStartingWith("timed out after 200 ms waiting until it is empty; ")
        .hasCauseInstanceOf(AssertionError.class)
        .cause().hasMessageContaining("full");
  }

  @Test
  void aConditionThatThrowsSomethingElseFailsAtOnce() {
    assertThatThrownBy(() -> Await.untilAsserted(Duration.ofSeconds(10), () -> {
      throw new IllegalStateException("broken");
    })).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void awaitingOnANonBlockingThreadIsRefused() {
    Throwable refused = Mono.fromCallable(() -> {
      try {
        Await.until(SHORT, () -> true);
        return null;
      } catch (IllegalStateException e) {
        return e;
      }
    }).subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(10));

    assertThat(refused).isInstanceOf(IllegalStateException.class).hasMessageContaining("non-blocking");
  }
}
