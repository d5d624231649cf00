package io.reactivemicro.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

/** The attempt's fallback on an error, as {@code onErrorResume} does it. */
class ResumeMonoTest {

  private static final Duration VERIFY = Duration.ofSeconds(5);

  @Test
  void aValuePassesWithoutTheFallback() {
    AtomicInteger fallbacks = new AtomicInteger();
    StepVerifier.create(new ResumeMono<>(Mono.just("a"), e -> {
      fallbacks.incrementAndGet();
      return Mono.just("b");
    }))
        .expectNext("a")
        .expectComplete()
        .verify(VERIFY);
    assertThat(fallbacks).hasValue(0);
  }

  @Test
  void anErrorGoesOnWithTheFallbackWithTheDemandMadeBefore() {
    TestPublisher<String> second = TestPublisher.create();
    StepVerifier.create(new ResumeMono<>(Mono.<String>error(new IllegalStateException("first")),
            e -> second.mono()), 0)
        .thenRequest(1)
        .then(() -> {
          second.assertWasSubscribed();
          second.assertMinRequested(1);
          second.emit("b");
        })
        .expectNext("b")
        .expectComplete()
        .verify(VERIFY);
  }

  @Test
  void theFallbacksErrorEndsTheCall() {
    StepVerifier.create(new ResumeMono<>(Mono.<String>error(new IllegalStateException("first")),
            e -> Mono.error(new IllegalArgumentException("second: " + e.getMessage()))))
        .expectErrorMessage("second: first")
        .verify(VERIFY);
  }

  @Test
  void aFallbackThatThrowsEndsTheCallWithTheFirstErrorSuppressed() {
    StepVerifier.create(new ResumeMono<String>(Mono.error(new IllegalStateException("first")), e -> {
      throw new IllegalArgumentException("thrown");
    }))
        .consumeErrorWith(error -> {
          assertThat(error).isInstanceOf(IllegalArgumentException.class).hasMessage("thrown");
          assertThat(error.getSuppressed()).extracting(Throwable::getMessage).containsExactly("first");
        })
        .verify(VERIFY);
  }

  @Test
  void cancellingCancelsTheCurrentSource() {
    TestPublisher<String> first = TestPublisher.create();
    TestPublisher<String> second = TestPublisher.create();
    StepVerifier.create(new ResumeMono<>(first.mono(), e -> second.mono()))
        .then(() -> first.error(new IllegalStateException("first")))
        .then(second::assertWasSubscribed)
        .thenCancel()
        .verify(VERIFY);
    second.assertWasCancelled();
  }

  @Test
  void anErrorAfterCancellingSubscribesNoFallback() {
    AtomicReference<CoreSubscriber<? super String>> first = new AtomicReference<>();
    Mono<String> source = new Mono<>() {
      @Override
      public void subscribe(CoreSubscriber<? super String> actual) {
        first.set(actual);
        actual.onSubscribe(Operators.emptySubscription());
      }
    };
    AtomicInteger fallbacks = new AtomicInteger();
    Disposable call = new ResumeMono<>(source, e -> {
      fallbacks.incrementAndGet();
      return Mono.just("b");
    }).subscribe(v -> { }, e -> { });
    call.dispose();
    first.get().onError(new IllegalStateException("late"));
    assertThat(fallbacks).hasValue(0);
  }
}
