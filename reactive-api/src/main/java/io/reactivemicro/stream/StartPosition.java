package io.reactivemicro.stream;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a new consumer group starts reading a topic. It applies only when the group is created: a
 * group that already exists resumes after the last event it acknowledged, whatever position a new
 * member asks for.
 */
public sealed interface StartPosition {

  /** Returns the position of the first event the topic still holds. */
  static StartPosition beginning() {
    return Beginning.INSTANCE;
  }

  /** Returns the position after the last event published so far: only new events are read. */
  static StartPosition latest() {
    return Latest.INSTANCE;
  }

  /**
   * Returns the position of the event with {@code sequence} (inclusive), as in {@link Event#sequence()}.
   *
   * @throws IllegalArgumentException when {@code sequence} is negative
   */
  static StartPosition sequence(long sequence) {
    return new Sequence(sequence);
  }

  /** Returns the position of the first event published at or after {@code time}. */
  static StartPosition time(Instant time) {
    return new Time(time);
  }

  /** The first event the topic still holds. */
  enum Beginning implements StartPosition {
    /** The only instance. */
    INSTANCE
  }

  /** Only events published after the group is created. */
  enum Latest implements StartPosition {
    /** The only instance. */
    INSTANCE
  }

  /**
   * The event with a sequence number, inclusive.
   *
   * @param sequence the sequence number, zero or more
   */
  record Sequence(long sequence) implements StartPosition {
    /** Checks the sequence. */
    public Sequence {
      if (sequence < 0) {
        throw new IllegalArgumentException("sequence must not be negative: " + sequence);
      }
    }
  }

  /**
   * The first event published at or after a time.
   *
   * @param time the time
   */
  record Time(Instant time) implements StartPosition {
    /** Checks the time. */
    public Time {
      Objects.requireNonNull(time, "time");
    }
  }
}
