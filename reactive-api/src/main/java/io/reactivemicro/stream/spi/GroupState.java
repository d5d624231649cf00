package io.reactivemicro.stream.spi;

import java.util.Map;

/**
 * What a durable consumer group remembers: the next event it has never delivered, and the events it
 * delivered that are not acknowledged yet, with their delivery counts.
 *
 * @param cursor the sequence of the next event never delivered to the group
 * @param pending delivery counts of the delivered, unacknowledged events, by sequence
 */
public record GroupState(long cursor, Map<Long, Integer> pending) {

  /** Copies the pending map. */
  public GroupState {
    pending = Map.copyOf(pending);
  }
}
