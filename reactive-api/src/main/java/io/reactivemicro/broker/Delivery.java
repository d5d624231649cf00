package io.reactivemicro.broker;

import reactor.core.publisher.Mono;

/**
 * A received message with its acknowledgement, from {@link Broker#deliveries}. On a broker with
 * acknowledgements (RabbitMQ) a message that is neither acknowledged nor rejected stays unacknowledged
 * until the subscription ends, and is then delivered again; elsewhere both methods do nothing.
 */
public interface Delivery {

  /** Returns the message. */
  Message message();

  /**
   * Acknowledges the message: the broker forgets it.
   *
   * @return a {@code Mono} that completes once the acknowledgement is sent
   */
  Mono<Void> ack();

  /**
   * Rejects the message after its handler failed.
   *
   * @param requeue whether the broker delivers it again (possibly to another subscriber of the queue)
   * @return a {@code Mono} that completes once the rejection is sent
   */
  Mono<Void> nack(boolean requeue);

  /**
   * Returns whether the broker delivered this message before, to a subscriber that rejected it or went
   * away; {@code false} on brokers without acknowledgements.
   */
  default boolean redelivered() {
    return false;
  }

  /**
   * Returns a delivery whose acknowledgements do nothing, for brokers without them.
   *
   * @param message the message
   * @return the delivery
   */
  static Delivery unacknowledged(Message message) {
    return new Delivery() {
      @Override
      public Message message() {
        return message;
      }

      @Override
      public Mono<Void> ack() {
        return Mono.empty();
      }

      @Override
      public Mono<Void> nack(boolean requeue) {
        return Mono.empty();
      }
    };
  }
}
