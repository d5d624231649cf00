package io.reactivemicro.client;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * A request-response attempt that, on an error, goes on with the {@code Mono} {@code fallback} returns
 * for it: what {@code onErrorResume(fallback)} does, with one small subscriber per call that is also
 * the fallback's subscriber, where Reactor's takes a general multi-subscription arbiter. Only one
 * source is subscribed at a time, so demand is passed on to whichever is current.
 *
 * @param <T> the response type
 */
final class ResumeMono<T> extends Mono<T> {

  private final Mono<T> source;
  private final Function<? super Throwable, ? extends Mono<T>> fallback;

  ResumeMono(Mono<T> source, Function<? super Throwable, ? extends Mono<T>> fallback) {
    this.source = source;
    this.fallback = fallback;
  }

  @Override
  public void subscribe(CoreSubscriber<? super T> actual) {
    source.subscribe(new ResumeSubscriber<>(actual, fallback));
  }

  private static final class ResumeSubscriber<T> implements CoreSubscriber<T>, Subscription {

    @SuppressWarnings("rawtypes")
    private static final AtomicReferenceFieldUpdater<ResumeSubscriber, Subscription> UPSTREAM =
        AtomicReferenceFieldUpdater.newUpdater(ResumeSubscriber.class, Subscription.class, "upstream");
    @SuppressWarnings("rawtypes")
    private static final AtomicLongFieldUpdater<ResumeSubscriber> REQUESTED =
        AtomicLongFieldUpdater.newUpdater(ResumeSubscriber.class, "requested");

    private final CoreSubscriber<? super T> actual;
    private final Function<? super Throwable, ? extends Mono<T>> fallback;
    /** The current source's subscription; {@link Operators#cancelledSubscription()} once cancelled. */
    private volatile @Nullable Subscription upstream;
    /** The demand so far, passed on to a fallback when it subscribes. */
    private volatile long requested;
    // Written and read in signal order: whether the caller has its subscription, and whether the
    // fallback was subscribed to, so that its error ends the call.
    private boolean subscribedDownstream;
    private boolean resumed;

    ResumeSubscriber(CoreSubscriber<? super T> actual, Function<? super Throwable, ? extends Mono<T>> fallback) {
      this.actual = actual;
      this.fallback = fallback;
    }

    @Override
    public Context currentContext() {
      return actual.currentContext();
    }

    @Override
    public void onSubscribe(Subscription s) {
      Subscription current = upstream;
      if (current == Operators.cancelledSubscription() || !UPSTREAM.compareAndSet(this, current, s)) {
        s.cancel();
        return;
      }
      if (!subscribedDownstream) {
        subscribedDownstream = true;
        actual.onSubscribe(this);
        return;
      }
      // The fallback: it gets the demand the caller made of the first source.
      long n = requested;
      if (n > 0) {
        s.request(n);
      }
    }

    @Override
    public void onNext(T value) {
      actual.onNext(value);
    }

    @Override
    public void onError(Throwable error) {
      if (resumed) {
        actual.onError(error);
        return;
      }
      resumed = true;
      if (upstream == Operators.cancelledSubscription()) {
        Operators.onErrorDropped(error, actual.currentContext());
        return;
      }
      Mono<T> next;
      try {
        next = Objects.requireNonNull(fallback.apply(error), "the fallback returned null");
      } catch (Throwable t) {
        Throwable thrown = Exceptions.addSuppressed(t, error);
        actual.onError(thrown);
        return;
      }
      if (upstream == Operators.cancelledSubscription()) {
        return;
      }
      next.subscribe(this);
    }

    @Override
    public void onComplete() {
      actual.onComplete();
    }

    @Override
    public void request(long n) {
      if (!Operators.validate(n)) {
        return;
      }
      // A Mono needs no exact accounting: demand is added up, and a source asked twice answers once.
      long now;
      long next;
      do {
        now = requested;
        next = Operators.addCap(now, n);
      } while (!REQUESTED.compareAndSet(this, now, next));
      Subscription s = upstream;
      if (s != null && s != Operators.cancelledSubscription()) {
        s.request(n);
      }
    }

    @Override
    public void cancel() {
      Subscription s = UPSTREAM.getAndSet(this, Operators.cancelledSubscription());
      if (s != null && s != Operators.cancelledSubscription()) {
        s.cancel();
      }
    }
  }
}
