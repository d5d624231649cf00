package io.reactivemicro.samples.counters;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.store.ReadOptions;
import io.reactivemicro.store.Store;
import io.reactivemicro.store.TypedRecord;
import io.reactivemicro.store.TypedStore;
import io.reactivemicro.store.WriteOptions;
import io.reactivemicro.sync.Leadership;
import io.reactivemicro.sync.Sync;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.retry.Retry;

/**
 * Runs for leadership among the instances that share a {@link Sync} and, while this instance leads, runs
 * the leader-only job: every {@link #PERIOD} it writes a {@link Heartbeat} to the store, with the leader's
 * TTL, fenced by its term (a heartbeat of a newer term is never overwritten by an older leader).
 *
 * <p>{@link #stop()} resigns, so that another instance takes over at once rather than after the TTL.
 */
final class Election {

  /** How often the leader writes its heartbeat. */
  static final Duration PERIOD = Duration.ofSeconds(1);

  /** The store key of the leader's heartbeat. */
  static final String HEARTBEAT_KEY = "leader";

  private static final Logger LOG = Loggers.getLogger(Election.class);

  private final String office;
  private final Sync sync;
  private final TypedStore<Heartbeat> heartbeats;
  private final Duration ttl;
  private volatile @Nullable Leadership latest;
  private volatile @Nullable Disposable campaign;
  private volatile String self = "";

  /**
   * Creates an election that has not started.
   *
   * @param office the office the instances run for, such as {@code counters.leader}
   * @param sync where the election is held
   * @param store where the heartbeat is written
   * @param ttl how long a leader that stops refreshing stays leader
   */
  Election(String office, Sync sync, Store store, Duration ttl) {
    this.office = Objects.requireNonNull(office, "office");
    this.sync = Objects.requireNonNull(sync, "sync");
    this.heartbeats = store.typed(Heartbeat.class);
    this.ttl = Objects.requireNonNull(ttl, "ttl");
  }

  /** Returns the node id of this instance; empty until started. */
  String self() {
    return self;
  }

  /** Returns the term this instance leads in, or 0 when it does not lead. */
  long term() {
    Leadership current = latest;
    return current != null && current.isLeader() ? current.term() : 0;
  }

  /**
   * Starts campaigning; returns at once. The campaign runs until {@link #stop()}.
   *
   * @param instance this instance's node id
   * @param address this instance's address
   */
  void start(String instance, String address) {
    self = instance;
    campaign = sync.elect(office, ttl)
        .doOnNext(change -> {
          latest = change;
          LOG.info("{} {} {} (term {})", instance, change.isLeader() ? "leads" : "no longer leads", office,
              change.term());
        })
        .switchMap(change -> change.isLeader() ? beat(change.term(), instance, address) : Flux.empty())
        .subscribe(beat -> { }, error -> LOG.error("the campaign for {} failed", office, error));
  }

  /**
   * Stops campaigning: resigns when this instance leads, so that another takes over at once.
   *
   * @return a {@code Mono} that completes once the leadership is released (at most after 5 s)
   */
  Mono<Void> stop() {
    return Mono.defer(() -> {
      Leadership current = latest;
      Mono<Void> resign = current != null && current.isLeader()
          ? current.resign().doOnSuccess(done -> LOG.info("{} resigned {} (term {})", self, office, current.term()))
          : Mono.empty();
      return resign
          .timeout(Duration.ofSeconds(5))
          .onErrorResume(error -> {
            LOG.warn("resigning {} failed; the leadership expires with its TTL: {}", office, error.toString());
            return Mono.empty();
          })
          .doFinally(signal -> {
            Disposable running = campaign;
            if (running != null) {
              running.dispose();
            }
          });
    });
  }

  /** Returns the latest heartbeat of the leader, empty when none is live. */
  Mono<Heartbeat> heartbeat() {
    return heartbeats.get(HEARTBEAT_KEY).onErrorResume(Election::isNotFound, missing -> Mono.empty());
  }

  /** The leader-only job: a heartbeat now and every period, until the leadership ends (cancellation). */
  private Flux<Heartbeat> beat(long term, String instance, String address) {
    String elected = Instant.now().toString();
    AtomicLong beats = new AtomicLong();
    return Flux.interval(Duration.ZERO, PERIOD)
        .onBackpressureDrop()
        .concatMap(tick -> write(new Heartbeat(instance, address, term, elected, Instant.now().toString(),
                beats.incrementAndGet()))
            // One failed beat (the store unreachable, a newer leader) must not end the job: the next tick tries again.
            .onErrorResume(error -> {
              LOG.warn("heartbeat of term {} not written: {}", term, error.getMessage());
              return Mono.empty();
            }));
  }

  /**
   * Writes a heartbeat unless the store holds one of a newer term: read the version, write only if it did
   * not change (or only if absent), try again from the read after a conflict.
   */
  private Mono<Heartbeat> write(Heartbeat beat) {
    return Mono.defer(() -> heartbeats.read(HEARTBEAT_KEY, ReadOptions.defaults()).next()
            .map(current -> condition(current, beat))
            .onErrorResume(Election::isNotFound, missing -> Mono.just(WriteOptions.defaults().withIfAbsent()))
            .flatMap(options -> heartbeats.write(HEARTBEAT_KEY, beat, options.withTtl(ttl))))
        .retryWhen(Retry.max(10).filter(error -> error instanceof MicroException e && e.code() == 409
            && !(error instanceof StaleTerm)))
        .thenReturn(beat);
  }

  private static WriteOptions condition(TypedRecord<Heartbeat> current, Heartbeat beat) {
    if (current.value().term() > beat.term()) {
      // Fencing: a newer leader wrote already, so this instance's lease ran out even if it was not told yet.
      throw new StaleTerm(current.value().term(), beat.term());
    }
    return WriteOptions.defaults().withIfVersion(current.version());
  }

  private static boolean isNotFound(Throwable error) {
    return error instanceof MicroException e && e.code() == 404;
  }

  /** A heartbeat of an older term than the one in the store. */
  private static final class StaleTerm extends MicroException {
    private static final long serialVersionUID = 1L;

    StaleTerm(long stored, long mine) {
      super("counters", 409, "the store holds the heartbeat of term " + stored + ", newer than term " + mine);
    }
  }
}
