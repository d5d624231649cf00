package io.reactivemicro.stream.spi;

import io.reactivemicro.codec.Codecs;
import io.reactivemicro.stream.Event;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Mono;

/** Makes the {@link Event}s a backend delivers. */
public final class Events {

  private Events() {}

  /**
   * Returns an event, immutable apart from its acknowledgement.
   *
   * @param id the event's id, unique in its topic
   * @param topic the topic
   * @param timestamp when it was published
   * @param sequence its position in the topic: increasing, not necessarily contiguous
   * @param metadata its metadata; copied
   * @param payload its payload; not copied, so the caller must not change it
   * @param deliveryCount how many times it has been delivered, this time included
   * @param acknowledger what acknowledges it
   * @return the event
   */
  public static Event create(String id, String topic, Instant timestamp, long sequence, Map<String, String> metadata,
      byte[] payload, int deliveryCount, Acknowledger acknowledger) {
    return new Delivered(id, topic, timestamp, sequence, metadata, payload, deliveryCount, acknowledger);
  }

  private static final class Delivered implements Event {

    private final String id;
    private final String topic;
    private final Instant timestamp;
    private final long sequence;
    private final Map<String, String> metadata;
    private final byte[] payload;
    private final int deliveryCount;
    private final Acknowledger acknowledger;

    Delivered(String id, String topic, Instant timestamp, long sequence, Map<String, String> metadata,
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

    @Override
    public String id() {
      return id;
    }

    @Override
    public String topic() {
      return topic;
    }

    @Override
    public Instant timestamp() {
      return timestamp;
    }

    @Override
    public long sequence() {
      return sequence;
    }

    @Override
    public Map<String, String> metadata() {
      return metadata;
    }

    @Override
    public byte[] payload() {
      return payload.clone();
    }

    @Override
    public <T> T decode(Class<T> type, Codecs codecs) {
      String contentType = metadata.getOrDefault(CONTENT_TYPE, "application/json");
      return type.cast(codecs.get(contentType).decoder(type).decode(ByteBuffer.wrap(payload)));
    }

    @Override
    public int deliveryCount() {
      return deliveryCount;
    }

    @Override
    public Mono<Void> ack() {
      return acknowledger.ack();
    }

    @Override
    public Mono<Void> nack(Duration delay) {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        return Mono.error(new IllegalArgumentException("delay must not be negative: " + delay));
      }
      return acknowledger.nack(delay);
    }

    @Override
    public String toString() {
      return "Event{id=" + id + ", topic=" + topic + ", sequence=" + sequence + ", timestamp=" + timestamp
          + ", deliveryCount=" + deliveryCount + ", metadata=" + metadata + ", payload=" + payload.length + " bytes}";
    }
  }
}
