package io.reactivemicro.store;

import io.reactivemicro.store.spi.StoreSupport;
import java.time.Instant;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The in-memory store: one sorted map per namespace, for one JVM. Records are kept in key order
 * ({@link String#compareTo}), so reads and lists page deterministically. Nothing survives the JVM.
 *
 * <p>Time comes from a Reactor {@link Scheduler}'s clock, so tests can expire records in virtual time.
 * Expired records are dropped when a read or a write meets them. Reads and lists iterate the map lazily,
 * one element per unit of demand, and see writes made while they run (weakly consistent). Every
 * operation runs on the subscribing thread and never blocks.
 *
 * <pre>{@code
 * Store store = Store.memory();
 * }</pre>
 */
public final class MemoryStore implements Store {

  private static final MemoryStore SHARED = new MemoryStore(Schedulers.parallel(), DEFAULT_DATABASE, DEFAULT_TABLE);

  private final Scheduler clock;
  private final Namespace defaults;
  private final ConcurrentMap<Namespace, ConcurrentSkipListMap<String, Record>> namespaces =
      new ConcurrentHashMap<>();

  /** Returns a new store in the namespace {@value Store#DEFAULT_DATABASE}/{@value Store#DEFAULT_TABLE}. */
  public static MemoryStore create() {
    return new MemoryStore(Schedulers.parallel(), DEFAULT_DATABASE, DEFAULT_TABLE);
  }

  /**
   * Returns a new store.
   *
   * @param clock the clock of expiries, such as a {@code VirtualTimeScheduler} in tests
   * @param database the default database
   * @param table the default table
   * @return the store
   */
  public static MemoryStore create(Scheduler clock, String database, String table) {
    return new MemoryStore(clock, database, table);
  }

  /**
   * Returns the JVM-wide store, in the namespace {@value Store#DEFAULT_DATABASE}/{@value Store#DEFAULT_TABLE}:
   * everything in one JVM that chooses the {@code memory} store shares its records.
   */
  public static MemoryStore shared() {
    return SHARED;
  }

  private MemoryStore(Scheduler clock, String database, String table) {
    this.clock = clock;
    this.defaults = new Namespace(database, table);
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public String database() {
    return defaults.database();
  }

  @Override
  public String table() {
    return defaults.table();
  }

  @Override
  public Flux<Record> read(String key, ReadOptions options) {
    return Flux.defer(() -> {
      Namespace namespace = Namespace.resolve(options.database(), options.table(), this);
      StoreSupport.checkPattern(key);
      NavigableMap<String, Record> map = namespaces.get(namespace);
      long now = now();
      if (!options.isPrefix() && !options.isSuffix()) {
        Record record = map == null ? null : live(map, map.get(key), now);
        return record == null
            ? Flux.error(StoreSupport.notFound(namespace, key))
            : StoreSupport.page(Flux.just(record), options.offset(), options.limit());
      }
      if (map == null) {
        return Flux.empty();
      }
      NavigableMap<String, Record> candidates = options.isPrefix() ? map.tailMap(key, true) : map;
      Flux<Record> matches = Flux.fromIterable(candidates.values())
          .takeWhile(record -> !options.isPrefix() || record.key().startsWith(key))
          .filter(record -> StoreSupport.matches(record.key(), key, options)
              && live(map, record, now) != null);
      return StoreSupport.page(matches, options.offset(), options.limit());
    });
  }

  @Override
  public Mono<Void> write(Record record, WriteOptions options) {
    return Mono.fromRunnable(() -> {
      Namespace namespace = Namespace.resolve(options.database(), options.table(), this);
      String key = StoreSupport.checkKey(record.key());
      long now = now();
      Instant expiry = StoreSupport.expiry(options, record, now);
      namespaces.computeIfAbsent(namespace, n -> new ConcurrentSkipListMap<>()).compute(key, (k, current) -> {
        long live = current == null || StoreSupport.expired(current, now) ? 0 : current.version();
        if (!StoreSupport.conditionHolds(options, live)) {
          throw StoreSupport.conflict(namespace, key, options.expectedVersion(), live);
        }
        return new Record(key, record.value(), record.metadata(), expiry,
            current == null ? 1 : current.version() + 1);
      });
    });
  }

  @Override
  public Mono<Void> delete(String key, DeleteOptions options) {
    return Mono.fromRunnable(() -> {
      Namespace namespace = Namespace.resolve(options.database(), options.table(), this);
      StoreSupport.checkKey(key);
      Map<String, Record> map = namespaces.get(namespace);
      if (map != null) {
        map.remove(key);
      }
    });
  }

  @Override
  public Flux<String> list(ListOptions options) {
    return Flux.defer(() -> {
      Namespace namespace = Namespace.resolve(options.database(), options.table(), this);
      StoreSupport.checkPattern(options.prefix());
      StoreSupport.checkPattern(options.suffix());
      NavigableMap<String, Record> map = namespaces.get(namespace);
      if (map == null) {
        return Flux.empty();
      }
      long now = now();
      Flux<String> matches = Flux.fromIterable(map.tailMap(options.prefix(), true).values())
          .takeWhile(record -> record.key().startsWith(options.prefix()))
          .filter(record -> record.key().endsWith(options.suffix()) && live(map, record, now) != null)
          .map(Record::key);
      return StoreSupport.page(matches, options.offset(), options.limit());
    });
  }

  private long now() {
    return clock.now(TimeUnit.MILLISECONDS);
  }

  private static @Nullable Record live(Map<String, Record> map, @Nullable Record record, long now) {
    if (record != null && StoreSupport.expired(record, now)) {
      map.remove(record.key(), record);
      return null;
    }
    return record;
  }

  @Override
  public String toString() {
    return "MemoryStore[" + defaults + "]";
  }
}
