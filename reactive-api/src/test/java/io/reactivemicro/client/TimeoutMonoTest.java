package io.reactivemicro.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The per-attempt timeout: attempts sharing a timeout wait in one lane, each fails exactly when its own
 * deadline passes, and an attempt that settles or is cancelled first leaves the others' deadlines alone.
 */
class TimeoutMonoTest {

  private static final Duration VERIFY = Duration.ofSeconds(5);

  private final TimeoutMono.Timers timers = new TimeoutMono.Timers();

  @AfterEach
  void reset() {
    timers.close();
    VirtualTimeScheduler.reset();
  }

  private <T> Mono<T> timed(Mono<T> source, Duration timeout) {
    return new TimeoutMono<>(source, timers, timeout.toNanos(), TimeoutException::new);
  }

  @Test
  void attemptsSharingATimeoutEachFailAtTheirOwnDeadline() {
    VirtualTimeScheduler scheduler = VirtualTimeScheduler.getOrSet();
    List<String> events = new ArrayList<>();
    List<Sinks.One<String>> sinks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Sinks.One<String> sink = Sinks.one();
      sinks.add(sink);
      int index = i;
      timed(sink.asMono(), Duration.ofSeconds(1)).subscribe(
          value -> events.add(index + ":" + value + "@" + scheduler.now(java.util.concurrent.TimeUnit.MILLISECONDS)),
          error -> events.add(index + ":" + error.getClass().getSimpleName() + "@"
              + scheduler.now(java.util.concurrent.TimeUnit.MILLISECONDS)));
      scheduler.advanceTimeBy(Duration.ofMillis(100));
    }
    // Attempt 0 (due at 1000) answers; attempt 2 (due at 1200) answers; 1 and 3 time out.
    sinks.get(0).tryEmitValue("a");
    scheduler.advanceTimeBy(Duration.ofMillis(500)); // 900
    sinks.get(2).tryEmitValue("c");
    scheduler.advanceTimeBy(Duration.ofMillis(199)); // 1099
    assertThat(events).containsExactly("0:a@400", "2:c@900");
    scheduler.advanceTimeBy(Duration.ofMillis(1)); // 1100
    assertThat(events).containsExactly("0:a@400", "2:c@900", "1:TimeoutException@1100");
    scheduler.advanceTimeBy(Duration.ofMillis(199)); // 1299
    assertThat(events).hasSize(3);
    scheduler.advanceTimeBy(Duration.ofMillis(1)); // 1300
    assertThat(events).containsExactly("0:a@400", "2:c@900", "1:TimeoutException@1100",
        "3:TimeoutException@1300");
    // A late answer is not delivered.
    sinks.get(1).tryEmitValue("late");
    assertThat(events).hasSize(4);
  }

  @Test
  void aTimedOutAttemptIsCancelled() {
    AtomicInteger cancelled = new AtomicInteger();
    StepVerifier.withVirtualTime(() -> timed(Mono.<String>never().doOnCancel(cancelled::incrementAndGet),
            Duration.ofMillis(250)))
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(249))
        .thenAwait(Duration.ofMillis(1))
        .expectError(TimeoutException.class)
        .verify(VERIFY);
    assertThat(cancelled).hasValue(1);
  }

  @Test
  void aCancelledAttemptLeavesTheLaneAndTheNextStillTimesOut() {
    VirtualTimeScheduler scheduler = VirtualTimeScheduler.getOrSet();
    List<Throwable> errors = new ArrayList<>();
    var first = timed(Mono.<String>never(), Duration.ofMillis(300)).subscribe(v -> { }, errors::add);
    scheduler.advanceTimeBy(Duration.ofMillis(100));
    timed(Mono.<String>never(), Duration.ofMillis(300)).subscribe(v -> { }, errors::add);
    first.dispose();
    scheduler.advanceTimeBy(Duration.ofMillis(299)); // 399
    assertThat(errors).isEmpty();
    scheduler.advanceTimeBy(Duration.ofMillis(1)); // 400
    assertThat(errors).singleElement().isInstanceOf(TimeoutException.class);
  }

  @Test
  void attemptsWithDifferentTimeoutsFailIndependently() {
    VirtualTimeScheduler scheduler = VirtualTimeScheduler.getOrSet();
    List<String> errors = new ArrayList<>();
    timed(Mono.<String>never(), Duration.ofMillis(500)).subscribe(v -> { }, e -> errors.add("500"));
    timed(Mono.<String>never(), Duration.ofMillis(200)).subscribe(v -> { }, e -> errors.add("200"));
    scheduler.advanceTimeBy(Duration.ofMillis(200));
    assertThat(errors).containsExactly("200");
    scheduler.advanceTimeBy(Duration.ofMillis(300));
    assertThat(errors).containsExactly("200", "500");
  }

  @Test
  void anAnswerInTimeIsDelivered() {
    StepVerifier.withVirtualTime(() -> timed(Mono.delay(Duration.ofMillis(999)).map(x -> "ok"),
            Duration.ofSeconds(1)))
        .expectSubscription()
        .thenAwait(Duration.ofMillis(999))
        .expectNext("ok")
        .expectComplete()
        .verify(VERIFY);
  }

  @Test
  void aTimeoutOnTheRealSchedulerFires() {
    StepVerifier.create(timed(Mono.<String>never(), Duration.ofMillis(20)))
        .expectError(TimeoutException.class)
        .verify(VERIFY);
    StepVerifier.create(timed(Mono.just("now"), Duration.ofMillis(20)))
        .expectNext("now")
        .expectComplete()
        .verify(VERIFY);
  }
}
