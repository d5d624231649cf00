package io.reactivemicro.client;

import io.reactivemicro.internal.operator.StepMono;
import io.reactivemicro.internal.operator.StepSubscriber;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Function;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * A request-response attempt that, on an error, goes on with the {@code Mono} {@code fallback} returns
 * for it: what {@code onErrorResume(fallback)} does, with one small subscriber per call that is also
 * the fallback's subscriber, where Reactor's takes a general multi-subscription arbiter. Only one
 * source is subscribed at a time, so demand is passed on to whichever is current.
 *
 * @param <T> the response type
 */
final class ResumeMono<T> extends StepMono<T, T> {

  private final Function<? super Throwable, ? extends Mono<T>> fallback;

  ResumeMono(Mono<T> source, Function<? super Throwable, ? extends Mono<T>> fallback) {
    super(source);
    this.fallback = fallback;
  }

  @Override
  public void subscribe(CoreSubscriber<? super T> actual) {
    source.subscribe(new ResumeSubscriber<>(actual, fallback));
  }

  private static final class ResumeSubscriber<T> extends StepSubscriber<T, T> {

    @SuppressWarnings("rawtypes")
    private static final AtomicLongFieldUpdater<ResumeSubscriber> REQUESTED =
        AtomicLongFieldUpdater.newUpdater(ResumeSubscriber.class, "requested");

    private final Function<? super Throwable, ? extends Mono<T>> fallback;
    /** The demand so far, passed on to a fallback when it subscribes. */
    private volatile long requested;
    /** Whether the fallback was subscribed to, so that its error ends the call; in signal order. */
    private boolean resumed;

    ResumeSubscriber(CoreSubscriber<? super T> actual, Function<? super Throwable, ? extends Mono<T>> fallback) {
      super(actual);
      this.fallback = fallback;
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (!subscribed()) {
        super.onSubscribe(s);
        return;
      }
      // The fallback: it gets the demand the caller made of the first source.
      if (replaceUpstream(s)) {
        long n = requested;
        if (n > 0) {
          s.request(n);
        }
      }
    }

    @Override
    protected void hookOnNext(T value) {
      actual.onNext(value);
    }

    @Override
    public void onError(Throwable error) {
      if (resumed) {
        super.onError(error);
        return;
      }
      resumed = true;
      if (ended()) {
        droppedError(error);
        return;
      }
      Mono<T> next;
      try {
        next = Objects.requireNonNull(fallback.apply(error), "the fallback returned null");
      } catch (Throwable t) {
        super.onError(Exceptions.addSuppressed(t, error));
        return;
      }
      if (!ended()) {
        next.subscribe(this);
      }
    }

    @Override
    public void request(long n) {
      if (!Operators.validate(n)) {
        return;
      }
      // A Mono needs no exact accounting: demand is added up, and a source asked twice answers once.
      Operators.addCap(REQUESTED, this, n);
      super.request(n);
    }
  }
}
