package io.reactivemicro.stream;

import io.reactivemicro.codec.Codecs;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * An event read from a {@link Stream}: what was published, where it sits in its topic, and how to
 * acknowledge it. Instances are immutable apart from their acknowledgement.
 *
 * <p>An event is delivered at least once: until it is acknowledged (by {@link #ack()} or by auto-ack),
 * it is delivered again, to this or another member of its group, after the ack wait, after a
 * {@link #nack(Duration)}, or when its consumer cancels.
 *
 * <p>Backends make events with {@link io.reactivemicro.stream.spi.Events#create}.
 */
public interface Event {

  /** The metadata key that carries a payload's content type, set by the typed publish helpers. */
  String CONTENT_TYPE = "Content-Type";
  /** The metadata key that names, on a dead letter, the topic the event was consumed from. */
  String DEAD_LETTER_TOPIC = "Micro-Dead-Letter-Topic";
  /** The metadata key that holds, on a dead letter, the id of the original event. */
  String DEAD_LETTER_ID = "Micro-Dead-Letter-Id";
  /** The metadata key that holds, on a dead letter, how many times the original event was delivered. */
  String DEAD_LETTER_DELIVERIES = "Micro-Dead-Letter-Deliveries";

  /** Returns the event's id, unique in its topic. */
  String id();

  /** Returns the topic the event was published to. */
  String topic();

  /** Returns when the event was published, as the backend recorded it. */
  Instant timestamp();

  /**
   * Returns the event's position in its topic: later events have greater numbers; the numbers are
   * contiguous for the memory and log streams and may have gaps elsewhere. It can be given to
   * {@link StartPosition#sequence(long)}.
   */
  long sequence();

  /** Returns the metadata published with the event. */
  Map<String, String> metadata();

  /** Returns a copy of the payload. */
  byte[] payload();

  /**
   * Decodes the payload with the codec of its {@link #CONTENT_TYPE} metadata, JSON when it has none.
   *
   * @param type the type to decode to
   * @param codecs the codecs, such as {@link Codecs#defaults()}
   * @param <T> the type
   * @return the decoded payload
   * @throws io.reactivemicro.errors.MicroException a 400 when the content type has no codec
   * @throws io.reactivemicro.codec.CodecException when the payload does not decode
   */
  <T> T decode(Class<T> type, Codecs codecs);

  /** Returns how many times the event has been delivered, this delivery included; 1 the first time. */
  int deliveryCount();

  /**
   * Acknowledges the event: it is not delivered again to its group.
   *
   * @return a {@code Mono} that completes once the backend has recorded the ack; acknowledging twice,
   *     or after the event was redelivered elsewhere, completes without effect
   */
  Mono<Void> ack();

  /**
   * Gives the event back: it is delivered again, to this or another member of the group, once
   * {@code delay} has passed.
   *
   * @param delay how long to wait before redelivering; {@link Duration#ZERO} for at once
   * @return a {@code Mono} that completes once the backend has recorded the nack; an error for a
   *     negative delay
   */
  Mono<Void> nack(Duration delay);

  /** Gives the event back for redelivery at once. */
  default Mono<Void> nack() {
    return nack(Duration.ZERO);
  }
}
