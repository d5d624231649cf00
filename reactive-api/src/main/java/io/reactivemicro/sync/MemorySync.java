package io.reactivemicro.sync;

import io.reactivemicro.sync.spi.LeaseSync;
import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The embedded sync: locks and elections in a lock table in this JVM's memory, shared by every client
 * made from it with {@link #client()}. It needs no server, and nothing survives the JVM.
 *
 * <p>TTLs, waits and keep-alives run on a Reactor {@link Scheduler}, whose clock is the table's clock, so
 * tests can drive them with a {@code VirtualTimeScheduler}. A waiting lock is taken as soon as its holder
 * releases it or its TTL runs out. Fencing tokens come from one counter per table.
 *
 * <pre>{@code
 * MemorySync sync = MemorySync.create();
 * Sync other = sync.client();           // another process, as far as the locks can tell
 * sync.lock("job", Duration.ofSeconds(10), Duration.ZERO)
 *     .flatMap(lock -> work(lock.token()).then(lock.unlock()))
 *     .subscribe();
 * }</pre>
 */
public final class MemorySync implements Sync {

  private static final MemoryLeases SHARED = new MemoryLeases(Schedulers.parallel());

  private final MemoryLeases table;
  private final Scheduler clock;
  private final LeaseSync engine;

  private MemorySync(MemoryLeases table, Scheduler clock) {
    this.table = table;
    this.clock = clock;
    this.engine = new LeaseSync(table, clock);
  }

  /** Returns a client of a new lock table of its own, timed by {@link Schedulers#parallel()}. */
  public static MemorySync create() {
    return create(Schedulers.parallel());
  }

  /**
   * Returns a client of a new lock table of its own.
   *
   * @param clock the scheduler whose clock times leases and which runs waits and keep-alives
   */
  public static MemorySync create(Scheduler clock) {
    return new MemorySync(new MemoryLeases(clock), clock);
  }

  /** Returns a new client of the JVM-wide lock table, the one the {@code memory} provider uses. */
  public static MemorySync shared() {
    return new MemorySync(SHARED, Schedulers.parallel());
  }

  /**
   * Returns another client of this client's lock table: it competes for the same locks and elections, and
   * closing one client leaves the other working.
   */
  public MemorySync client() {
    return new MemorySync(table, clock);
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Mono<Lock> lock(String id, Duration ttl, Duration wait) {
    return engine.lock(id, ttl, wait);
  }

  @Override
  public Flux<Leadership> elect(String id, Duration ttl) {
    return engine.elect(id, ttl);
  }

  @Override
  public Mono<Void> close() {
    return engine.close();
  }
}
