package io.reactivemicro.sync.spi;

import io.reactivemicro.sync.Leadership;
import java.util.Objects;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/** A leadership change of {@link LeaseSync}'s election. */
final class LeadershipChange implements Leadership {

  private final String id;
  private final State state;
  private final long term;
  private final Supplier<Mono<Void>> resign;

  LeadershipChange(String id, State state, long term, Supplier<Mono<Void>> resign) {
    this.id = Objects.requireNonNull(id, "id");
    this.state = Objects.requireNonNull(state, "state");
    this.term = term;
    this.resign = Objects.requireNonNull(resign, "resign");
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public State state() {
    return state;
  }

  @Override
  public long term() {
    return term;
  }

  @Override
  public Mono<Void> resign() {
    return resign.get();
  }

  @Override
  public String toString() {
    return "Leadership[" + id + " " + state + " term " + term + "]";
  }
}
