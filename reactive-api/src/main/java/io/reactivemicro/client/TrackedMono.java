package io.reactivemicro.client;

import io.reactivemicro.internal.operator.StepMono;
import io.reactivemicro.internal.operator.StepSubscriber;
import io.reactivemicro.registry.Node;
import io.reactivemicro.selector.Selector;
import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * A request-response attempt on a selected node, telling the selector when it starts (on subscription)
 * and how it ends, once: with its response or completion, its error, or, cancelled before either, a
 * {@link CancellationException}, which says nothing of the node. One subscriber per call, where
 * {@code defer} and three {@code doOn} operators would take four.
 *
 * @param <T> the response type
 */
final class TrackedMono<T> extends StepMono<T, T> {

  private final Selector selector;
  private final String service;
  private final Node node;

  TrackedMono(Mono<T> source, Selector selector, String service, Node node) {
    super(source);
    this.selector = selector;
    this.service = service;
    this.node = node;
  }

  @Override
  public void subscribe(CoreSubscriber<? super T> actual) {
    selector.started(service, node);
    source.subscribe(new TrackedSubscriber<>(actual, this));
  }

  private static final class TrackedSubscriber<T> extends StepSubscriber<T, T> {

    private final TrackedMono<T> parent;

    TrackedSubscriber(CoreSubscriber<? super T> actual, TrackedMono<T> parent) {
      super(actual);
      this.parent = parent;
    }

    @Override
    protected void hookOnNext(T value) {
      end(null);
      actual.onNext(value);
    }

    @Override
    protected void hookOnError(Throwable error) {
      if (!valued()) {
        end(error);
      }
      actual.onError(error);
    }

    @Override
    protected void hookOnComplete() {
      if (!valued()) {
        end(null);
      }
      actual.onComplete();
    }

    @Override
    protected void hookOnCancel(boolean valued) {
      if (!valued) {
        end(new CancellationException("the caller cancelled"));
      }
    }

    private void end(@Nullable Throwable error) {
      parent.selector.mark(parent.service, parent.node, error);
    }
  }
}
