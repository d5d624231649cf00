package io.reactivemicro.stream.spi;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Where a {@link GroupEngine} keeps events and group state: memory, or a file. Every method but
 * {@link #append} may block (file I/O); the engine calls them on its drain scheduler only.
 */
public interface EventStore {

  /**
   * Appends an event to a topic, giving it the topic's next sequence (the first is 1).
   *
   * @return a {@code Mono} of the stored event that completes once it is as durable as the store promises
   */
  Mono<StoredEvent> append(String topic, byte[] payload, Map<String, String> metadata);

  /** Returns the event with {@code sequence}, or {@code null} when the topic has none. */
  @Nullable StoredEvent read(String topic, long sequence);

  /** Returns the sequence of the first event the topic holds (1 when it is empty). */
  long firstSequence(String topic);

  /** Returns the sequence the next appended event will get. */
  long nextSequence(String topic);

  /** Returns the sequence of the first event appended at or after {@code time}, or {@link #nextSequence}. */
  long sequenceAt(String topic, Instant time);

  /** Returns a durable group's state, or {@code null} when it has none yet. */
  @Nullable GroupState loadGroup(String topic, String group);

  /** Records a durable group's state; it need not be durable before the next commit of the store. */
  void saveGroup(String topic, String group, GroupState state);

  /** Releases the store. */
  void close();
}
