package io.reactivemicro.internal.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;
import reactor.util.context.Context;

/**
 * What every one-step {@code Mono} operator of the runtime does, whatever it adds: demand and
 * cancellation pass up, one end passes down, late signals are dropped through Reactor's hooks, and
 * the operator is {@link Scannable}. A test of an operator extends this class and applies the
 * operator to the source it is given; the source is a misbehaving publisher that can signal after
 * its end and after a cancellation, as a buggy handler or a transport racing a timer can.
 */
public abstract class OneStepOperatorContract {

  private static final Duration VERIFY = Duration.ofSeconds(5);

  private final TestPublisher<String> source = TestPublisher.createNoncompliant(
      TestPublisher.Violation.CLEANUP_ON_TERMINATE, TestPublisher.Violation.DEFER_CANCELLATION);
  private final List<Object> droppedValues = new ArrayList<>();
  private final List<Throwable> droppedErrors = new ArrayList<>();

  /** Returns the operator under test applied to {@code source}. */
  protected abstract Mono<String> apply(Mono<String> source);

  /** Releases what the operator's test made; called after each test. */
  protected void release() {}

  @AfterEach
  void resetHooks() {
    Hooks.resetOnNextDropped();
    Hooks.resetOnErrorDropped();
    release();
  }

  private Mono<String> operator() {
    Hooks.onNextDropped(droppedValues::add);
    Hooks.onErrorDropped(droppedErrors::add);
    // A Mono that hands the subscriber to the publisher as is, without Mono.from's own guard.
    Mono<String> raw = new Mono<>() {
      @Override
      public void subscribe(CoreSubscriber<? super String> actual) {
        source.subscribe(actual);
      }
    };
    return apply(raw);
  }

  @Test
  void aValueAndTheCompletionArePassedOn() {
    StepVerifier.create(operator())
        .then(() -> source.next("a").complete())
        .expectNext("a")
        .expectComplete()
        .verify(VERIFY);
  }

  @Test
  void anEmptySourceCompletes() {
    StepVerifier.create(operator())
        .then(source::complete)
        .expectComplete()
        .verify(VERIFY);
  }

  @Test
  void anErrorEndsTheCall() {
    StepVerifier.create(operator())
        .then(() -> source.error(new IllegalStateException("boom")))
        .expectError()
        .verify(VERIFY);
  }

  @Test
  void demandIsPassedUpOnlyWhenMade() {
    StepVerifier.create(operator(), 0)
        .then(() -> source.assertMaxRequested(0))
        .thenRequest(1)
        .then(() -> source.assertMinRequested(1))
        .then(() -> source.next("a").complete())
        .expectNext("a")
        .expectComplete()
        .verify(VERIFY);
  }

  @Test
  void cancellingCancelsTheSource() {
    StepVerifier.create(operator())
        .then(source::assertWasSubscribed)
        .thenCancel()
        .verify(VERIFY);
    source.assertCancelled();
  }

  @Test
  void signalsAfterTheCompletionAreDroppedNotPassedOn() {
    Recorder recorder = subscribe();
    source.complete();
    source.next("late");
    source.error(new IllegalStateException("late"));
    source.complete();
    assertThat(recorder.completions).hasValue(1);
    assertThat(recorder.values).isEmpty();
    assertThat(recorder.errors).isEmpty();
    assertThat(droppedValues).containsExactly("late");
    assertThat(droppedErrors).extracting(Throwable::getMessage).containsExactly("late");
  }

  @Test
  void signalsAfterAnErrorAreDroppedNotPassedOn() {
    Recorder recorder = subscribe();
    source.error(new IllegalStateException("first"));
    source.error(new IllegalStateException("second"));
    source.next("late");
    source.complete();
    assertThat(recorder.errors).hasSize(1);
    assertThat(recorder.completions).hasValue(0);
    assertThat(recorder.values).isEmpty();
    assertThat(droppedValues).containsExactly("late");
    assertThat(droppedErrors).extracting(Throwable::getMessage).containsExactly("second");
  }

  @Test
  void aSecondValueIsDroppedNotPassedOn() {
    Recorder recorder = subscribe();
    source.next("a");
    source.next("b");
    source.complete();
    assertThat(recorder.values).containsExactly("a");
    assertThat(recorder.completions).hasValue(1);
    assertThat(droppedValues).containsExactly("b");
  }

  @Test
  void signalsAfterACancellationAreDroppedNotPassedOn() {
    Recorder recorder = subscribe();
    recorder.subscription().cancel();
    source.next("late");
    source.error(new IllegalStateException("late"));
    source.complete();
    assertThat(recorder.values).isEmpty();
    assertThat(recorder.errors).isEmpty();
    assertThat(recorder.completions).hasValue(0);
    assertThat(droppedValues).containsExactly("late");
    assertThat(droppedErrors).extracting(Throwable::getMessage).containsExactly("late");
  }

  @Test
  void theOperatorAndItsSubscriberAreScannable() {
    Mono<String> operator = operator();
    assertThat(Scannable.from(operator).isScanAvailable()).isTrue();
    assertThat(Scannable.from(operator).scan(Scannable.Attr.RUN_STYLE)).isEqualTo(Scannable.Attr.RunStyle.SYNC);

    Recorder recorder = new Recorder();
    operator.subscribe(recorder);
    Scannable step = Scannable.from(recorder.subscription());
    assertThat(step.isScanAvailable()).isTrue();
    assertThat(step.scanUnsafe(Scannable.Attr.ACTUAL)).isSameAs(recorder);
    assertThat(step.scan(Scannable.Attr.PARENT)).isNotNull();
    assertThat(step.scan(Scannable.Attr.TERMINATED)).isFalse();
    assertThat(step.scan(Scannable.Attr.CANCELLED)).isFalse();
    source.complete();
    assertThat(step.scan(Scannable.Attr.TERMINATED)).isTrue();
    assertThat(step.scan(Scannable.Attr.CANCELLED)).isFalse();
  }

  @Test
  void aCancelledSubscriberSaysSo() {
    Recorder recorder = subscribe();
    Scannable step = Scannable.from(recorder.subscription());
    recorder.subscription().cancel();
    assertThat(step.scan(Scannable.Attr.CANCELLED)).isTrue();
    assertThat(step.scan(Scannable.Attr.TERMINATED)).isFalse();
  }

  private Recorder subscribe() {
    Recorder recorder = new Recorder();
    operator().subscribe(recorder);
    source.assertWasSubscribed();
    return recorder;
  }

  /** Counts every signal it gets, where StepVerifier stops looking at the first end. */
  private static final class Recorder implements CoreSubscriber<String> {

    final List<String> values = new ArrayList<>();
    final List<Throwable> errors = new ArrayList<>();
    final AtomicInteger completions = new AtomicInteger();
    private @Nullable Subscription subscription;

    @Override
    public Context currentContext() {
      return Context.empty();
    }

    @Override
    public void onSubscribe(Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String value) {
      values.add(value);
    }

    @Override
    public void onError(Throwable error) {
      errors.add(error);
    }

    @Override
    public void onComplete() {
      completions.incrementAndGet();
    }

    Subscription subscription() {
      assertThat(subscription).as("the operator passed its subscription on").isNotNull();
      return subscription;
    }
  }
}
