package io.reactivemicro.stream;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a consumer reads a topic: its group, where a new group starts, acknowledgement, redelivery and
 * dead letters, and how many events it may hold unacknowledged. Instances are immutable; each
 * {@code with...} method returns a copy.
 *
 * <pre>{@code
 * ConsumeOptions options = ConsumeOptions.defaults()
 *     .withGroup("billing")
 *     .withStart(StartPosition.beginning())
 *     .withAutoAck(false)
 *     .withAckWait(Duration.ofSeconds(30))
 *     .withMaxDeliveries(5)
 *     .withDeadLetterTopic("orders.dead");
 * }</pre>
 *
 * <p>Defaults: a fresh group of its own for each consumer (so every consumer gets every event, and the
 * group is removed when the consumer cancels), start at {@link StartPosition#latest()}, auto-ack on,
 * an ack wait of 30 seconds, unlimited deliveries, no dead-letter topic, at most
 * {@value #DEFAULT_MAX_IN_FLIGHT} events in flight.
 */
public final class ConsumeOptions {

  /** The default {@link #maxInFlight()}. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 256;

  private static final ConsumeOptions DEFAULTS = new ConsumeOptions(null, StartPosition.latest(), true,
      Duration.ofSeconds(30), 0, null, DEFAULT_MAX_IN_FLIGHT);

  private final @Nullable String group;
  private final StartPosition start;
  private final boolean autoAck;
  private final Duration ackWait;
  private final int maxDeliveries;
  private final @Nullable String deadLetterTopic;
  private final int maxInFlight;

  private ConsumeOptions(@Nullable String group, StartPosition start, boolean autoAck, Duration ackWait,
      int maxDeliveries, @Nullable String deadLetterTopic, int maxInFlight) {
    this.group = group;
    this.start = start;
    this.autoAck = autoAck;
    this.ackWait = ackWait;
    this.maxDeliveries = maxDeliveries;
    this.deadLetterTopic = deadLetterTopic;
    this.maxInFlight = maxInFlight;
  }

  /** Returns the default options. */
  public static ConsumeOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns the consumer group: consumers of a topic sharing a group split its events between them,
   * each event going to one of them; distinct groups each get every event. A group remembers how far
   * it has read, so a consumer that joins it later resumes there. {@code null} means a fresh group of
   * its own for this consumer, removed when it cancels.
   */
  public @Nullable String group() {
    return group;
  }

  /**
   * Returns options with the group set.
   *
   * @param group a name of 1 to 100 letters, digits, {@code -} and {@code _}
   * @throws IllegalArgumentException when the name is blank or has other characters
   */
  public ConsumeOptions withGroup(String group) {
    Objects.requireNonNull(group, "group");
    if (!group.matches("[A-Za-z0-9_-]{1,100}")) {
      throw new IllegalArgumentException("group must be 1 to 100 letters, digits, '-' or '_': \"" + group + "\"");
    }
    return new ConsumeOptions(group, start, autoAck, ackWait, maxDeliveries, deadLetterTopic, maxInFlight);
  }

  /** Returns where a new group starts; an existing group resumes where it is. */
  public StartPosition start() {
    return start;
  }

  /** Returns options with the start position set. */
  public ConsumeOptions withStart(StartPosition start) {
    Objects.requireNonNull(start, "start");
    return new ConsumeOptions(group, start, autoAck, ackWait, maxDeliveries, deadLetterTopic, maxInFlight);
  }

  /**
   * Returns whether events are acknowledged automatically: an event is acknowledged as soon as the
   * subscriber's {@code onNext} for it returns. Work the subscriber hands off asynchronously (to
   * {@code flatMap}, {@code publishOn}...) is then not covered: turn auto-ack off and call
   * {@link Event#ack()} when the work is done to get at-least-once processing.
   */
  public boolean autoAck() {
    return autoAck;
  }

  /** Returns options with auto-ack on or off. */
  public ConsumeOptions withAutoAck(boolean autoAck) {
    return new ConsumeOptions(group, start, autoAck, ackWait, maxDeliveries, deadLetterTopic, maxInFlight);
  }

  /**
   * Returns how long a delivered event may stay unacknowledged before it is delivered again, to this
   * or another member of the group.
   */
  public Duration ackWait() {
    return ackWait;
  }

  /**
   * Returns options with the ack wait set.
   *
   * @throws IllegalArgumentException when it is shorter than 100 ms
   */
  public ConsumeOptions withAckWait(Duration ackWait) {
    Objects.requireNonNull(ackWait, "ackWait");
    if (ackWait.compareTo(Duration.ofMillis(100)) < 0) {
      throw new IllegalArgumentException("ackWait must be at least 100 ms: " + ackWait);
    }
    return new ConsumeOptions(group, start, autoAck, ackWait, maxDeliveries, deadLetterTopic, maxInFlight);
  }

  /**
   * Returns how many times an event is delivered at most; zero for no limit. An event that has been
   * delivered that many times without an ack is not delivered again: it is published to the
   * {@link #deadLetterTopic()} when there is one, then acknowledged (dropped when there is none).
   */
  public int maxDeliveries() {
    return maxDeliveries;
  }

  /**
   * Returns options with the maximum deliveries set.
   *
   * @throws IllegalArgumentException when it is negative
   */
  public ConsumeOptions withMaxDeliveries(int maxDeliveries) {
    if (maxDeliveries < 0) {
      throw new IllegalArgumentException("maxDeliveries must not be negative: " + maxDeliveries);
    }
    return new ConsumeOptions(group, start, autoAck, ackWait, maxDeliveries, deadLetterTopic, maxInFlight);
  }

  /**
   * Returns the topic events go to after {@link #maxDeliveries()}; the dead letter keeps the payload
   * and metadata and adds {@link Event#DEAD_LETTER_TOPIC}, {@link Event#DEAD_LETTER_ID} and
   * {@link Event#DEAD_LETTER_DELIVERIES}; {@code null} when there is none.
   */
  public @Nullable String deadLetterTopic() {
    return deadLetterTopic;
  }

  /** Returns options with the dead-letter topic set. */
  public ConsumeOptions withDeadLetterTopic(String topic) {
    Objects.requireNonNull(topic, "topic");
    return new ConsumeOptions(group, start, autoAck, ackWait, maxDeliveries, topic, maxInFlight);
  }

  /**
   * Returns the most events this consumer holds at once that are fetched or delivered but not yet
   * acknowledged. A consumer fetches no more than its subscriber requested and no more than this bound
   * allows, so its memory stays bounded however far the producers run ahead: producers are never
   * slowed, the topic's log just grows. A consumer that reaches the bound gets nothing more until it
   * acknowledges (or nacks, or the ack wait passes).
   */
  public int maxInFlight() {
    return maxInFlight;
  }

  /**
   * Returns options with the in-flight bound set.
   *
   * @throws IllegalArgumentException when it is not between 1 and 65,536
   */
  public ConsumeOptions withMaxInFlight(int maxInFlight) {
    if (maxInFlight < 1 || maxInFlight > 65_536) {
      throw new IllegalArgumentException("maxInFlight must be between 1 and 65536: " + maxInFlight);
    }
    return new ConsumeOptions(group, start, autoAck, ackWait, maxDeliveries, deadLetterTopic, maxInFlight);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConsumeOptions other && Objects.equals(group, other.group) && start.equals(other.start)
        && autoAck == other.autoAck && ackWait.equals(other.ackWait) && maxDeliveries == other.maxDeliveries
        && Objects.equals(deadLetterTopic, other.deadLetterTopic) && maxInFlight == other.maxInFlight;
  }

  @Override
  public int hashCode() {
    return Objects.hash(group, start, autoAck, ackWait, maxDeliveries, deadLetterTopic, maxInFlight);
  }

  @Override
  public String toString() {
    return "ConsumeOptions{group=" + group + ", start=" + start + ", autoAck=" + autoAck + ", ackWait=" + ackWait
        + ", maxDeliveries=" + maxDeliveries + ", deadLetterTopic=" + deadLetterTopic + ", maxInFlight="
        + maxInFlight + "}";
  }
}
