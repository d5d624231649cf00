package io.reactivemicro.client;

import io.reactivemicro.registry.Node;
import io.reactivemicro.selector.Selector;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * A request-response attempt on a selected node, telling the selector when it starts (on subscription)
 * and how it ends, once: with its response or completion, its error, or, cancelled before either, a
 * {@link CancellationException}, which says nothing of the node. One subscriber per call, where
 * {@code defer} and three {@code doOn} operators would take four.
 *
 * @param <T> the response type
 */
final class TrackedMono<T> extends Mono<T> {

  private final Mono<T> source;
  private final Selector selector;
  private final String service;
  private final Node node;

  TrackedMono(Mono<T> source, Selector selector, String service, Node node) {
    this.source = source;
    this.selector = selector;
    this.service = service;
    this.node = node;
  }

  @Override
  public void subscribe(CoreSubscriber<? super T> actual) {
    selector.started(service, node);
    source.subscribe(new TrackedSubscriber<>(actual, this));
  }

  private static final class TrackedSubscriber<T> implements CoreSubscriber<T>, Subscription {

    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<TrackedSubscriber> ENDED =
        AtomicIntegerFieldUpdater.newUpdater(TrackedSubscriber.class, "ended");

    private final CoreSubscriber<? super T> actual;
    private final TrackedMono<T> parent;
    private @Nullable Subscription upstream;
    private volatile int ended;

    TrackedSubscriber(CoreSubscriber<? super T> actual, TrackedMono<T> parent) {
      this.actual = actual;
      this.parent = parent;
    }

    @Override
    public Context currentContext() {
      return actual.currentContext();
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (Operators.validate(upstream, s)) {
        upstream = s;
        actual.onSubscribe(this);
      }
    }

    @Override
    public void onNext(T value) {
      end(null);
      actual.onNext(value);
    }

    @Override
    public void onError(Throwable error) {
      end(error);
      actual.onError(error);
    }

    @Override
    public void onComplete() {
      end(null);
      actual.onComplete();
    }

    @Override
    public void request(long n) {
      Subscription s = upstream;
      if (s != null) {
        s.request(n);
      }
    }

    @Override
    public void cancel() {
      end(new CancellationException("the caller cancelled"));
      Subscription s = upstream;
      if (s != null) {
        s.cancel();
      }
    }

    private void end(@Nullable Throwable error) {
      if (ENDED.compareAndSet(this, 0, 1)) {
        parent.selector.mark(parent.service, parent.node, error);
      }
    }
  }
}
