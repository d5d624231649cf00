package io.reactivemicro.stream.spi;

import io.reactivemicro.stream.Event;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.context.Context;

/** The auto-ack operator: acknowledges each event once the subscriber's {@code onNext} returns. */
public final class AutoAck {

  private static final Logger LOG = Loggers.getLogger(AutoAck.class);

  private AutoAck() {}

  /**
   * Returns {@code events} with each event acknowledged after the downstream {@code onNext} for it
   * returns normally; an event whose {@code onNext} throws is not acknowledged.
   */
  public static Flux<Event> apply(Flux<Event> events) {
    return events.transform(Operators.<Event, Event>lift((scannable, actual) -> new Subscriber(actual)));
  }

  private static final class Subscriber implements CoreSubscriber<Event> {
    private final CoreSubscriber<? super Event> actual;

    Subscriber(CoreSubscriber<? super Event> actual) {
      this.actual = actual;
    }

    @Override
    public Context currentContext() {
      return actual.currentContext();
    }

    @Override
    public void onSubscribe(Subscription s) {
      actual.onSubscribe(s);
    }

    @Override
    public void onNext(Event event) {
      actual.onNext(event);
      event.ack().subscribe(null, e -> LOG.warn("auto-ack of {} on {} failed; it will be redelivered: {}",
          event.id(), event.topic(), e.toString()));
    }

    @Override
    public void onError(Throwable t) {
      actual.onError(t);
    }

    @Override
    public void onComplete() {
      actual.onComplete();
    }
  }
}
