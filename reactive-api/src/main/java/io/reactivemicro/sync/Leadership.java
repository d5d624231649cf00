package io.reactivemicro.sync;

import java.util.Objects;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * A change of leadership seen by one candidate of {@link Sync#elect}: elected, or no longer leader.
 *
 * <p>Instances are immutable values, apart from {@link #resign()}, which acts on the candidacy they come
 * from.
 */
public final class Leadership {

  /** Whether the candidate is leader. */
  public enum State {
    /** The candidate became the leader. */
    ELECTED,
    /** The candidate is no longer the leader (its lease was lost, or it resigned). */
    LOST
  }

  private final String id;
  private final State state;
  private final long term;
  private final Supplier<Mono<Void>> resign;

  /**
   * Creates a leadership change; backends' election engines call this.
   *
   * @param id the office
   * @param state elected or lost
   * @param term the fencing token of the term
   * @param resign what {@link #resign()} does
   */
  public Leadership(String id, State state, long term, Supplier<Mono<Void>> resign) {
    this.id = Objects.requireNonNull(id, "id");
    this.state = Objects.requireNonNull(state, "state");
    this.term = term;
    this.resign = Objects.requireNonNull(resign, "resign");
  }

  /** Returns the name of the office. */
  public String id() {
    return id;
  }

  /** Returns whether the candidate became leader or stopped being leader. */
  public State state() {
    return state;
  }

  /** Returns whether this change made the candidate the leader. */
  public boolean isLeader() {
    return state == State.ELECTED;
  }

  /**
   * Returns the term: the fencing token of the lease behind this leadership, strictly greater than every
   * earlier term of the same office. A {@link State#LOST} change carries the term that ended.
   */
  public long term() {
    return term;
  }

  /**
   * Withdraws the candidate: releases the leadership if it holds it, so another candidate can take over
   * at once, and completes the {@code elect} {@code Flux} after a last {@link State#LOST} change (when it
   * was leader).
   *
   * @return a {@code Mono} that completes once the leadership is released
   */
  public Mono<Void> resign() {
    return resign.get();
  }

  @Override
  public String toString() {
    return "Leadership[" + id + " " + state + " term " + term + "]";
  }
}
