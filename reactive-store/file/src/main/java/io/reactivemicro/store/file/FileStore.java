package io.reactivemicro.store.file;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.store.DeleteOptions;
import io.reactivemicro.store.ListOptions;
import io.reactivemicro.store.Namespace;
import io.reactivemicro.store.ReadOptions;
import io.reactivemicro.store.Record;
import io.reactivemicro.store.Store;
import io.reactivemicro.store.spi.StoreSupport;
import io.reactivemicro.store.WriteOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The embedded, persistent store: one H2 MVStore file, {@code store.mv.db}, in a directory, with one
 * MVMap per database and table. Records are kept in key order ({@link String#compareTo}).
 *
 * <p><b>Threads.</b> MVStore does blocking file I/O, so every operation runs on
 * {@link Schedulers#boundedElastic()}; results are emitted from there. Reads and lists walk an MVMap
 * cursor lazily, one record per unit of demand, over the snapshot of the map taken when they start;
 * cancelling stops the walk.
 *
 * <p><b>Durability.</b> A write or a delete completes after MVStore has committed it to the file, so
 * whatever completed survives the process being killed. By default the commit is not followed by an
 * {@code fsync}: an operating-system crash or a power loss may lose the last writes. With
 * {@link Builder#sync(boolean) sync(true)} every write is also forced to the disk before it completes,
 * at a much higher cost per write.
 *
 * <p><b>Limits.</b> The file belongs to one store at a time: a second store (in this process or another)
 * on the same directory fails its operations with a 503. The file is opened on the first operation, not
 * by the constructor. Expired records are filtered at read time and stay in the file until written
 * again, deleted or removed by {@link #purgeExpired()}.
 *
 * <pre>{@code
 * Store store = FileStore.builder(Path.of("data/store")).build();  // or MICRO_STORE=file
 * }</pre>
 */
public final class FileStore implements Store {

  /** The name of the file in the store's directory. */
  public static final String FILE_NAME = "store.mv.db";

  private static final String MAP_PREFIX = "store/";

  private final Path directory;
  private final Scheduler clock;
  private final Namespace defaults;
  private final boolean sync;
  private final Mono<MVStore> opened;
  private final Map<Namespace, MVMap<String, byte[]>> maps = new ConcurrentHashMap<>();
  private volatile @Nullable MVStore mvStore;
  private volatile boolean closed;

  private FileStore(Builder builder) {
    this.directory = builder.directory;
    this.clock = builder.clock;
    this.defaults = new Namespace(builder.database, builder.table);
    this.sync = builder.sync;
    // Opened once, on the first operation; a failed open is tried again by the next operation.
    this.opened = Mono.fromCallable(this::open)
        .subscribeOn(Schedulers.boundedElastic())
        .cache(store -> Duration.ofMillis(Long.MAX_VALUE), error -> Duration.ZERO, () -> Duration.ZERO);
  }

  /**
   * Returns a builder of a store kept in {@code directory}, created when missing.
   *
   * @param directory the directory of the store's file
   * @return the builder
   * @throws NullPointerException when {@code directory} is null
   */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /** Returns the directory the store keeps its file in. */
  public Path directory() {
    return directory;
  }

  @Override
  public String name() {
    return "file";
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
      return withStore(store -> {
        MVMap<String, byte[]> map = existingMap(store, namespace);
        long now = now();
        if (!options.isPrefix() && !options.isSuffix()) {
          byte[] stored = map == null ? null : map.get(key);
          if (stored == null || RecordFormat.expiredAt(stored, now)) {
            return Flux.error(StoreSupport.notFound(namespace, key));
          }
          return StoreSupport.page(Flux.just(RecordFormat.decode(key, stored)), options.offset(), options.limit());
        }
        if (map == null) {
          return Flux.<Record>empty();
        }
        String from = options.isPrefix() ? key : null;
        Flux<Record> matches = walk(map, from)
            .takeWhile(entry -> !options.isPrefix() || entry.getKey().startsWith(key))
            .filter(entry -> StoreSupport.matches(entry.getKey(), key, options)
                && !RecordFormat.expiredAt(entry.getValue(), now))
            .map(entry -> RecordFormat.decode(entry.getKey(), entry.getValue()));
        return StoreSupport.page(matches, options.offset(), options.limit());
      });
    });
  }

  @Override
  public Mono<Void> write(Record record, WriteOptions options) {
    return Mono.defer(() -> {
      Namespace namespace = Namespace.resolve(options.database(), options.table(), this);
      String key = StoreSupport.checkKey(record.key());
      return withStore(store -> {
        MVMap<String, byte[]> map = map(store, namespace);
        long now = now();
        Instant expiry = StoreSupport.expiry(options, record, now);
        // Reading the current version and putting the next one must not interleave with another write
        // of the map; the lock is held on a boundedElastic thread only.
        synchronized (map) {
          byte[] current = map.get(key);
          long live = current == null ? 0 : RecordFormat.liveVersion(current, now);
          if (!StoreSupport.conditionHolds(options, live)) {
            return Flux.<Void>error(StoreSupport.conflict(namespace, key, options.expectedVersion(), live));
          }
          long version = current == null ? 1 : RecordFormat.version(current) + 1;
          map.put(key, RecordFormat.encode(new Record(key, record.value(), record.metadata(), expiry, version)));
        }
        commit(store);
        return Flux.<Void>empty();
      }).then();
    });
  }

  @Override
  public Mono<Void> delete(String key, DeleteOptions options) {
    return Mono.defer(() -> {
      Namespace namespace = Namespace.resolve(options.database(), options.table(), this);
      StoreSupport.checkKey(key);
      return withStore(store -> {
        MVMap<String, byte[]> map = existingMap(store, namespace);
        if (map != null) {
          byte[] removed;
          synchronized (map) {
            removed = map.remove(key);
          }
          if (removed != null) {
            commit(store);
          }
        }
        return Flux.<Void>empty();
      }).then();
    });
  }

  @Override
  public Flux<String> list(ListOptions options) {
    return Flux.defer(() -> {
      Namespace namespace = Namespace.resolve(options.database(), options.table(), this);
      StoreSupport.checkPattern(options.prefix());
      StoreSupport.checkPattern(options.suffix());
      return withStore(store -> {
        MVMap<String, byte[]> map = existingMap(store, namespace);
        if (map == null) {
          return Flux.<String>empty();
        }
        long now = now();
        Flux<String> matches = walk(map, options.prefix().isEmpty() ? null : options.prefix())
            .takeWhile(entry -> entry.getKey().startsWith(options.prefix()))
            .filter(entry -> entry.getKey().endsWith(options.suffix())
                && !RecordFormat.expiredAt(entry.getValue(), now))
            .map(Map.Entry::getKey);
        return StoreSupport.page(matches, options.offset(), options.limit());
      });
    });
  }

  /**
   * Removes the expired records of every namespace from the file.
   *
   * @return a {@code Mono} of how many records were removed, once the removal is committed
   */
  public Mono<Long> purgeExpired() {
    return withStore(store -> {
      long now = now();
      long removed = 0;
      for (String name : store.getMapNames()) {
        if (!name.startsWith(MAP_PREFIX)) {
          continue;
        }
        MVMap<String, byte[]> map = store.openMap(name);
        synchronized (map) {
          Iterator<Map.Entry<String, byte[]>> entries = iterator(map, null);
          while (entries.hasNext()) {
            Map.Entry<String, byte[]> entry = entries.next();
            if (RecordFormat.expiredAt(entry.getValue(), now) && map.remove(entry.getKey(), entry.getValue())) {
              removed++;
            }
          }
        }
      }
      if (removed > 0) {
        commit(store);
      }
      return Flux.just(removed);
    }).single();
  }

  /** Closes the file, after a last commit. Operations afterwards fail with a 503. */
  @Override
  public Mono<Void> close() {
    return Mono.<Void>fromRunnable(() -> {
      closed = true;
      MVStore store = mvStore;
      if (store != null) {
        synchronized (this) {
          store.close();
        }
      }
    }).subscribeOn(Schedulers.boundedElastic());
  }

  private <T> Flux<T> withStore(Function<MVStore, Flux<T>> operation) {
    return opened.flatMapMany(store -> Flux.defer(() -> {
          if (closed) {
            return Flux.error(MicroException.serviceUnavailable(StoreSupport.ID, "the file store is closed"));
          }
          return operation.apply(store);
        }).subscribeOn(Schedulers.boundedElastic()))
        .onErrorMap(error -> !(error instanceof MicroException), error -> MicroException.from(StoreSupport.ID, error));
  }

  private synchronized MVStore open() {
    if (closed) {
      throw MicroException.serviceUnavailable(StoreSupport.ID, "the file store is closed");
    }
    MVStore store = mvStore;
    if (store != null) {
      return store;
    }
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the store directory " + directory, e);
    }
    Path file = directory.resolve(FILE_NAME);
    try {
      store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
    } catch (RuntimeException e) {
      throw new MicroException(StoreSupport.ID, 503, "cannot open " + file + " (is another store using it?): "
          + e.getMessage(), MicroException.statusText(503), e);
    }
    mvStore = store;
    return store;
  }

  private MVMap<String, byte[]> map(MVStore store, Namespace namespace) {
    return maps.computeIfAbsent(namespace, n -> store.openMap(mapName(n)));
  }

  private @Nullable MVMap<String, byte[]> existingMap(MVStore store, Namespace namespace) {
    MVMap<String, byte[]> map = maps.get(namespace);
    if (map == null && store.hasMap(mapName(namespace))) {
      map = map(store, namespace);
    }
    return map;
  }

  private void commit(MVStore store) {
    store.commit();
    if (sync) {
      store.sync();
    }
  }

  private long now() {
    return clock.now(TimeUnit.MILLISECONDS);
  }

  private static String mapName(Namespace namespace) {
    return MAP_PREFIX + namespace.database() + "/" + namespace.table();
  }

  /** Walks the map from a key (or the first) lazily; the walk runs where demand is signalled. */
  private static Flux<Map.Entry<String, byte[]>> walk(MVMap<String, byte[]> map, @Nullable String from) {
    return Flux.fromIterable(() -> iterator(map, from));
  }

  private static Iterator<Map.Entry<String, byte[]>> iterator(MVMap<String, byte[]> map, @Nullable String from) {
    Cursor<String, byte[]> cursor = map.cursor(from);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return cursor.hasNext();
      }

      @Override
      public Map.Entry<String, byte[]> next() {
        if (!cursor.hasNext()) {
          throw new NoSuchElementException();
        }
        String key = cursor.next();
        return Map.entry(key, cursor.getValue());
      }
    };
  }

  @Override
  public String toString() {
    return "FileStore[" + directory.resolve(FILE_NAME) + ", " + defaults + "]";
  }

  /** Builds a {@link FileStore}. */
  public static final class Builder {

    private final Path directory;
    private Scheduler clock = Schedulers.parallel();
    private String database = DEFAULT_DATABASE;
    private String table = DEFAULT_TABLE;
    private boolean sync;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
    }

    /** Sets the clock of expiries; tests pass a virtual-time scheduler. */
    public Builder clock(Scheduler clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Sets the default database; {@value Store#DEFAULT_DATABASE} unless set. */
    public Builder database(String database) {
      this.database = Objects.requireNonNull(database, "database");
      return this;
    }

    /** Sets the default table; {@value Store#DEFAULT_TABLE} unless set. */
    public Builder table(String table) {
      this.table = Objects.requireNonNull(table, "table");
      return this;
    }

    /**
     * Sets whether each write and delete is forced to the disk ({@code fsync}) before it completes, so
     * that it survives an operating-system crash or a power loss too; {@code false} unless set.
     */
    public Builder sync(boolean sync) {
      this.sync = sync;
      return this;
    }

    /**
     * Returns the store; the file is opened by its first operation.
     *
     * @throws io.reactivemicro.errors.MicroException a 400 when a name is invalid
     */
    public FileStore build() {
      return new FileStore(this);
    }
  }
}
