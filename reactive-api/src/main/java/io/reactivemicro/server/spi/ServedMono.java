package io.reactivemicro.server.spi;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.internal.operator.StepSubscriber;
import io.reactivemicro.metadata.Metadata;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
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
final class ServedMono extends Mono<Object> implements Scannable {

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

  @Override
  public @Nullable Object scanUnsafe(Attr key) {
    return key == Attr.RUN_STYLE ? Attr.RunStyle.SYNC : null;
  }

  private static final class ServedSubscriber extends StepSubscriber<Object, Object> {

    private final ServerEndpoint endpoint;
    private final Router router;
    private final Context context;

    ServedSubscriber(CoreSubscriber<? super Object> actual, ServerEndpoint endpoint, Router router,
        Metadata metadata) {
      super(actual);
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
    protected void hookOnNext(Object value) {
      actual.onNext(value);
    }

    @Override
    protected void hookOnError(Throwable error) {
      try {
        actual.onError(error instanceof MicroException ? error : endpoint.unexpected(error));
      } finally {
        finish();
      }
    }

    @Override
    protected void hookOnComplete() {
      try {
        actual.onComplete();
      } finally {
        finish();
      }
    }

    @Override
    protected void hookOnCancel(boolean valued) {
      finish();
    }

    /** Counts the call out: the base calls one end hook at most once per call. */
    private void finish() {
      router.finished();
    }
  }
}
