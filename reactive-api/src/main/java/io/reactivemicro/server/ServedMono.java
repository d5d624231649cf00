package io.reactivemicro.server;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.metadata.Metadata;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * A request-response call as one operator: when subscribed it counts the call in flight (or refuses
 * it while the router drains), runs the handler through the interceptors, puts the call's metadata in
 * the context, turns an unexpected error into a 500, and counts the call out once its end has been
 * passed on. It does what {@code Mono.defer}, {@code onErrorMap}, {@code contextWrite} and
 * {@code doFinally} would, with one subscriber per call instead of four.
 */
final class ServedMono extends Mono<Object> {

  private final ServerEndpoint endpoint;
  private final Router router;
  private final Metadata metadata;
  private final @Nullable Object request;

  ServedMono(ServerEndpoint endpoint, Router router, Metadata metadata, @Nullable Object request) {
    this.endpoint = endpoint;
    this.router = router;
    this.metadata = metadata;
    this.request = request;
  }

  @Override
  public void subscribe(CoreSubscriber<? super Object> actual) {
    if (!router.enter()) {
      Operators.error(actual, router.refused());
      return;
    }
    Mono<?> result;
    try {
      result = Mono.from(endpoint.handle(metadata, request));
    } catch (Throwable t) {
      result = Mono.error(t);
    }
    result.subscribe(new ServedSubscriber(actual, endpoint, router, metadata));
  }

  private static final class ServedSubscriber implements CoreSubscriber<Object>, Subscription {

    private static final AtomicIntegerFieldUpdater<ServedSubscriber> FINISHED =
        AtomicIntegerFieldUpdater.newUpdater(ServedSubscriber.class, "finished");

    private final CoreSubscriber<? super Object> actual;
    private final ServerEndpoint endpoint;
    private final Router router;
    private final Context context;
    private @Nullable Subscription upstream;
    private volatile int finished;

    ServedSubscriber(CoreSubscriber<? super Object> actual, ServerEndpoint endpoint, Router router,
        Metadata metadata) {
      this.actual = actual;
      this.endpoint = endpoint;
      this.router = router;
      // Metadata.current() reads an absent entry as empty metadata, so empty metadata needs no context.
      this.context = metadata.isEmpty() ? actual.currentContext()
          : actual.currentContext().put(Metadata.CONTEXT_KEY, metadata);
    }

    @Override
    public Context currentContext() {
      return context;
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (Operators.validate(upstream, s)) {
        upstream = s;
        actual.onSubscribe(this);
      }
    }

    @Override
    public void onNext(Object value) {
      actual.onNext(value);
    }

    @Override
    public void onError(Throwable error) {
      try {
        actual.onError(error instanceof MicroException ? error : endpoint.unexpected(error));
      } finally {
        finish();
      }
    }

    @Override
    public void onComplete() {
      try {
        actual.onComplete();
      } finally {
        finish();
      }
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
      Subscription s = upstream;
      if (s != null) {
        s.cancel();
      }
      finish();
    }

    private void finish() {
      if (FINISHED.compareAndSet(this, 0, 1)) {
        router.finished();
      }
    }
  }
}
