package io.reactivemicro.broker;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How to subscribe to a topic. Immutable; change a setting with its {@code with...} method.
 *
 * <pre>{@code
 * broker.subscribe("orders", SubscribeOptions.defaults().withQueue("billing").withBufferSize(64));
 * }</pre>
 *
 * @param queue the queue group: subscribers sharing a queue name compete, each message going to one of
 *     them; {@code null} (the default) for a subscriber that receives every message
 * @param bufferSize the most messages held for a subscriber that has not asked for them (256 by default);
 *     on RabbitMQ it is the prefetch count
 * @param overflow what happens when that buffer is full, on a broker that cannot slow the publisher down
 *     ({@link Overflow#DROP_OLDEST} by default)
 * @param onActive run once the subscription is active on the backend: a message published after it is
 *     delivered. Services start their subscribers with it; it must not block
 */
public record SubscribeOptions(@Nullable String queue, int bufferSize, Overflow overflow, Runnable onActive) {

  private static final Runnable NOTHING = () -> { };
  private static final SubscribeOptions DEFAULTS = new SubscribeOptions(null, 256, Overflow.DROP_OLDEST, NOTHING);

  /** Checks the options. */
  public SubscribeOptions {
    if (queue != null && queue.isBlank()) {
      throw new IllegalArgumentException("a queue name must not be blank");
    }
    if (bufferSize < 1) {
      throw new IllegalArgumentException("bufferSize must be at least 1");
    }
    Objects.requireNonNull(overflow, "overflow");
    Objects.requireNonNull(onActive, "onActive");
  }

  /** Returns the defaults: no queue, a buffer of 256 messages dropping the oldest. */
  public static SubscribeOptions defaults() {
    return DEFAULTS;
  }

  /** Returns these options with a queue group; {@code null} for none. */
  public SubscribeOptions withQueue(@Nullable String queue) {
    return new SubscribeOptions(queue, bufferSize, overflow, onActive);
  }

  /** Returns these options with another buffer size (the prefetch count on RabbitMQ). */
  public SubscribeOptions withBufferSize(int bufferSize) {
    return new SubscribeOptions(queue, bufferSize, overflow, onActive);
  }

  /** Returns these options with another overflow policy. */
  public SubscribeOptions withOverflow(Overflow overflow) {
    return new SubscribeOptions(queue, bufferSize, overflow, onActive);
  }

  /** Returns these options with a callback run once the subscription is active on the backend. */
  public SubscribeOptions withOnActive(Runnable onActive) {
    return new SubscribeOptions(queue, bufferSize, overflow, onActive);
  }
}
