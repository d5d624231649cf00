package io.reactivemicro.stream.spi;

import java.time.Instant;
import java.util.Map;

/**
 * An event as an {@link EventStore} keeps it.
 *
 * @param id the event's id
 * @param sequence its position in its topic, from 1, contiguous
 * @param timestamp when it was appended
 * @param metadata its metadata
 * @param payload its payload
 */
public record StoredEvent(String id, long sequence, Instant timestamp, Map<String, String> metadata,
    byte[] payload) {

  /** Copies the metadata. */
  public StoredEvent {
    metadata = Map.copyOf(metadata);
  }
}
