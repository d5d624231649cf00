package io.reactivemicro.samples.counters;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.store.Store;
import io.reactivemicro.store.TypedStore;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The counters handler: {@code Counters.Increment}, {@code Counters.Get} and {@code Counters.Leader}. The
 * counters live in the service's store, so every instance that shares the store sees the same values, and
 * concurrent increments, on one instance or many, are never lost.
 */
public final class Counters {

  private static final String ID = "counters";
  private static final String KEY_PREFIX = "counter/";
  private static final int MAX_NAME = 200;

  private volatile @Nullable TypedStore<Counter> counters;
  private volatile @Nullable Election election;

  /** Creates the handler; {@link CountersService} gives it its store and election. */
  Counters() {}

  /** Gives the handler the service's store and the instance's election. */
  void use(Store store, Election election) {
    this.counters = store.typed(Counter.class);
    this.election = election;
  }

  /**
   * Adds {@code by} to a counter: reads its value and version, writes the sum only if the version did not
   * change in between (only if absent for a new counter), and tries again from the read otherwise.
   *
   * @param request the counter's name and what to add
   * @return a {@code Mono} of the counter's value after this increment; a 400 for a bad name or an overflow
   */
  public Mono<Counter> increment(@Nullable Increment request) {
    return Mono.defer(() -> {
      String name = name(request == null ? null : request.name());
      long by = request.by();
      return store().update(KEY_PREFIX + name, current -> {
        long value = current == null ? 0 : current.value();
        try {
          return new Counter(name, Math.addExact(value, by));
        } catch (ArithmeticException e) {
          throw MicroException.badRequest(ID, "counter %s would overflow: %d + %d", name, value, by);
        }
      });
    });
  }

  /**
   * Returns a counter's value; a counter never incremented is 0.
   *
   * @param request the counter's name
   * @return a {@code Mono} of the counter; a 400 for a bad name
   */
  public Mono<Counter> get(@Nullable Get request) {
    return Mono.defer(() -> {
      String name = name(request == null ? null : request.name());
      return store().get(KEY_PREFIX + name)
          .onErrorResume(error -> error instanceof MicroException e && e.code() == 404,
              missing -> Mono.just(new Counter(name, 0)));
    });
  }

  /**
   * Tells which instance answered, whether it leads, and the leader's latest heartbeat from the store.
   *
   * @return a {@code Mono} of the view
   */
  public Mono<LeaderView> leader() {
    return Mono.defer(() -> {
      Election current = started(election);
      long term = current.term();
      return current.heartbeat()
          .map(beat -> new LeaderView(current.self(), term > 0, term, beat))
          .defaultIfEmpty(new LeaderView(current.self(), term > 0, term, null));
    });
  }

  private TypedStore<Counter> store() {
    return started(counters);
  }

  private static <T> T started(@Nullable T part) {
    if (part == null) {
      throw new MicroException(ID, 503, "the counters service is not started");
    }
    return part;
  }

  private static String name(@Nullable String name) {
    if (name == null || name.isBlank()) {
      throw MicroException.badRequest(ID, "name is required");
    }
    if (name.length() > MAX_NAME) {
      throw MicroException.badRequest(ID, "name is longer than %d characters", MAX_NAME);
    }
    return name;
  }
}
