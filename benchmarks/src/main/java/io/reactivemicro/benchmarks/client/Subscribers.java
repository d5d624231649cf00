package io.reactivemicro.benchmarks.client;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.BaseSubscriber;

/** Plain subscribers that report to the driver callbacks with no operator in between. */
final class Subscribers {

  private Subscribers() {}

  /** Ends a call on its completion. */
  static <T> CoreSubscriber<T> call(Driver.Done done) {
    return new CoreSubscriber<>() {
      @Override
      public void onSubscribe(Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(T value) {
        release(value);
      }

      @Override
      public void onError(Throwable error) {
        done.done(error);
      }

      @Override
      public void onComplete() {
        done.done(null);
      }
    };
  }

  /** Counts messages, asking for more as the window drains: {@code limitRate(WINDOW)}'s rhythm. */
  static <T> BaseSubscriber<T> messages(Driver.Messages messages, long initial) {
    return new BaseSubscriber<>() {
      private final long replenish = initial - (initial >> 2);
      private long received;

      @Override
      protected void hookOnSubscribe(Subscription subscription) {
        request(initial);
      }

      @Override
      protected void hookOnNext(T value) {
        release(value);
        messages.onMessage();
        if (++received == replenish) {
          received = 0;
          request(replenish);
        }
      }

      @Override
      protected void hookOnError(Throwable error) {
        messages.onEnd(error);
      }

      @Override
      protected void hookOnComplete() {
        messages.onEnd(null);
      }
    };
  }

  /** Counts messages, asking for all of them: for channels, whose sender keeps the window. */
  static <T> BaseSubscriber<T> unbounded(Driver.Messages messages) {
    return new BaseSubscriber<>() {
      @Override
      protected void hookOnNext(T value) {
        release(value);
        messages.onMessage();
      }

      @Override
      protected void hookOnError(Throwable error) {
        messages.onEnd(error);
      }

      @Override
      protected void hookOnComplete() {
        messages.onEnd(null);
      }
    };
  }

  private static void release(Object value) {
    if (value instanceof io.netty.util.ReferenceCounted counted) {
      counted.release();
    }
  }
}
