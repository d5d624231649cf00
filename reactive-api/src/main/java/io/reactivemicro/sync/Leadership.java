package io.reactivemicro.sync;

import reactor.core.publisher.Mono;

/**
 * A change of leadership seen by one candidate of {@link Sync#elect}: elected, or no longer leader.
 *
 * <p>Instances are immutable values, apart from {@link #resign()}, which acts on the candidacy they come
 * from.
 */
public interface Leadership {

  /** Whether the candidate is leader. */
  enum State {
    /** The candidate became the leader. */
    ELECTED,
    /** The candidate is no longer the leader (its lease was lost, or it resigned). */
    LOST
  }

  /** Returns the name of the office. */
  String id();

  /** Returns whether the candidate became leader or stopped being leader. */
  State state();

  /** Returns whether this change made the candidate the leader. */
  default boolean isLeader() {
    return state() == State.ELECTED;
  }

  /**
   * Returns the term: the fencing token of the lease behind this leadership, strictly greater than every
   * earlier term of the same office. A {@link State#LOST} change carries the term that ended.
   */
  long term();

  /**
   * Withdraws the candidate: releases the leadership if it holds it, so another candidate can take over
   * at once, and completes the {@code elect} {@code Flux} after a last {@link State#LOST} change (when it
   * was leader).
   *
   * @return a {@code Mono} that completes once the leadership is released
   */
  Mono<Void> resign();
}
