package io.reactivemicro.stream;

import io.reactivemicro.codec.Codecs;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * An event read from a {@link Stream}: what was published, where it sits in its topic, and how to
 * acknowledge it. Instances are immutable apart from their acknowledgement.
 *
 * <p>An event is delivered at least once: until it is acknowledged (by {@link #ack()} or by auto-ack),
 * it is delivered again, to this or another member of its group, after the ack wait, after a
 * {@link #nack(Duration)}, or when its consumer cancels.
 */
public final class Event {

  /** The metadata key that carries a payload's content type, set by the typed publish helpers. */
  public static final String CONTENT_TYPE = "Content-Type";
  /** The metadata key that names, on a dead letter, the topic the event was consumed from. */
  public static final String DEAD_LETTER_TOPIC = "Micro-Dead-Letter-Topic";
  /** The metadata key that holds, on a dead letter, the id of the original event. */
  public static final String DEAD_LETTER_ID = "Micro-Dead-Letter-Id";
  /** The metadata key that holds, on a dead letter, how many times the original event was delivered. */
  public static final String DEAD_LETTER_DELIVERIES = "Micro-Dead-Letter-Deliveries";

  /** Acknowledges events for a backend. */
  public interface Acknowledger {

    /** Acknowledges the event: it is not delivered again. */
    Mono<Void> ack();

    /** Gives the event back for redelivery after {@code delay}. */
    Mono<Void> nack(Duration delay);
  }

  private final String id;
  private final String topic;
  private final Instant timestamp;
  private final long sequence;
  private final Map<String, String> metadata;
  private final byte[] payload;
  private final int deliveryCount;
  private final Acknowledger acknowledger;

  /**
   * Creates an event; backends call this.
   *
   * @param id the event's id, unique in its topic
   * @param topic the topic
   * @param timestamp when it was published
   * @param sequence its position in the topic: increasing, not necessarily contiguous
   * @param metadata its metadata
   * @param payload its payload; not copied
   * @param deliveryCount how many times it has been delivered, this time included
   * @param acknowledger what acknowledges it
   */
  public Event(String id, String topic, Instant timestamp, long sequence, Map<String, String> metadata,
      byte[] payload, int deliveryCount, Acknowledger acknowledger) {
    this.id = Objects.requireNonNull(id, "id");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
    this.sequence = sequence;
    this.metadata = Map.copyOf(metadata);
    this.payload = Objects.requireNonNull(payload, "payload");
    this.deliveryCount = deliveryCount;
    this.acknowledger = Objects.requireNonNull(acknowledger, "acknowledger");
  }

  /** Returns the event's id, unique in its topic. */
  public String id() {
    return id;
  }

  /** Returns the topic the event was published to. */
  public String topic() {
    return topic;
  }

  /** Returns when the event was published, as the backend recorded it. */
  public Instant timestamp() {
    return timestamp;
  }

  /**
   * Returns the event's position in its topic: later events have greater numbers; the numbers are
   * contiguous for the memory and log streams and may have gaps elsewhere. It can be given to
   * {@link StartPosition#sequence(long)}.
   */
  public long sequence() {
    return sequence;
  }

  /** Returns the metadata published with the event. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Returns a copy of the payload. */
  public byte[] payload() {
    return payload.clone();
  }

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
  public <T> T decode(Class<T> type, Codecs codecs) {
    String contentType = metadata.getOrDefault(CONTENT_TYPE, "application/json");
    return type.cast(codecs.get(contentType).decoder(type).decode(ByteBuffer.wrap(payload)));
  }

  /** Returns how many times the event has been delivered, this delivery included; 1 the first time. */
  public int deliveryCount() {
    return deliveryCount;
  }

  /**
   * Acknowledges the event: it is not delivered again to its group.
   *
   * @return a {@code Mono} that completes once the backend has recorded the ack; acknowledging twice,
   *     or after the event was redelivered elsewhere, completes without effect
   */
  public Mono<Void> ack() {
    return acknowledger.ack();
  }

  /**
   * Gives the event back: it is delivered again, to this or another member of the group, once
   * {@code delay} has passed.
   *
   * @param delay how long to wait before redelivering; {@link Duration#ZERO} for at once
   * @return a {@code Mono} that completes once the backend has recorded the nack
   */
  public Mono<Void> nack(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      return Mono.error(new IllegalArgumentException("delay must not be negative: " + delay));
    }
    return acknowledger.nack(delay);
  }

  /** Gives the event back for redelivery at once. */
  public Mono<Void> nack() {
    return nack(Duration.ZERO);
  }

  @Override
  public String toString() {
    return "Event{id=" + id + ", topic=" + topic + ", sequence=" + sequence + ", timestamp=" + timestamp
        + ", deliveryCount=" + deliveryCount + ", metadata=" + metadata + ", payload=" + payload.length + " bytes}";
  }
}
