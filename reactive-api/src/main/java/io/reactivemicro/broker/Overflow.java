package io.reactivemicro.broker;

import io.reactivemicro.errors.MicroException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * What a subscription does when messages arrive faster than its subscriber asks for them, on a broker
 * that cannot slow the publisher down (NATS core, Redis pub/sub, the memory and RSocket brokers). Such a
 * subscription holds at most {@link SubscribeOptions#bufferSize()} messages not yet requested.
 */
public enum Overflow {

  /**
   * Drops the oldest buffered message to make room for the newest, counts the drops and logs a warning
   * on the first drop and every 1,000th after it. The subscription goes on.
   */
  DROP_OLDEST,

  /**
   * Ends the subscription with a {@link MicroException} ({@code 429 Too Many Requests}) as soon as a
   * message arrives while the buffer is full, without delivering what was buffered; the subscription is
   * released.
   */
  ERROR;

  private static final Logger LOG = Loggers.getLogger(Overflow.class);

  /**
   * Bounds a source of messages that ignores demand, as this policy says. Meant for broker
   * implementations: {@code source} must request nothing itself (such as a {@code Flux.create} sink).
   *
   * @param source the messages as the backend delivers them
   * @param bufferSize the most messages held for the subscriber
   * @param topic the topic, for the log and the error
   * @param <T> the message type
   * @return the bounded messages, which never hold more than {@code bufferSize} unrequested ones
   */
  public <T> Flux<T> bound(Flux<T> source, int bufferSize, String topic) {
    if (this == ERROR) {
      return Flux.defer(() -> {
        // Reactor's ERROR strategy signals the error only after the buffered messages were requested; a
        // subscriber that asks for nothing must learn of the overflow too, so the source is cut at once.
        Sinks.Empty<Void> overflowed = Sinks.empty();
        AtomicBoolean full = new AtomicBoolean();
        return source.onBackpressureBuffer(bufferSize, dropped -> {
              if (full.compareAndSet(false, true)) {
                overflowed.tryEmitEmpty();
              }
            }, BufferOverflowStrategy.DROP_LATEST)
            .takeUntilOther(overflowed.asMono().then(Mono.just(true)))
            .concatWith(Mono.defer(() -> full.get() ? Mono.error(new MicroException("io.reactivemicro.broker", 429,
                "subscriber of topic '" + topic + "' is too slow: more than " + bufferSize + " messages waiting"))
                : Mono.empty()));
      });
    }
    AtomicLong drops = new AtomicLong();
    return source.onBackpressureBuffer(bufferSize, dropped -> {
      long count = drops.incrementAndGet();
      if (count % 1000 == 1) {
        LOG.warn("subscriber of topic '{}' is too slow: dropped its oldest message ({} dropped so far)", topic,
            count);
      }
    }, BufferOverflowStrategy.DROP_OLDEST);
  }
}
