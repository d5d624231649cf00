package io.reactivemicro.store;

import io.reactivemicro.codec.Codec;
import io.reactivemicro.codec.JsonCodec;
import io.reactivemicro.internal.provider.Plugins;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.store.spi.StoreProvider;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A key-value store of {@link Record}s, namespaced by database and table: Go Micro's store, made reactive.
 *
 * <p>Every store has a default database and table, used by operations whose options name none;
 * {@link #scoped(String, String)} gives a view with other defaults, as a service's store is scoped to the
 * service. Records with an expiry in the past are never returned, by any backend: reads and lists filter
 * them even where the backend expires them itself. Reads and lists stream their results and honour
 * demand; cancelling them releases what they hold. No method blocks the calling thread.
 *
 * <pre>{@code
 * Store store = Store.fromSettings(Settings.fromEnvironment(args)).scoped("micro", "users");
 * store.write(Record.of("alice", "{\"age\":30}"), WriteOptions.defaults().ttl(Duration.ofHours(1)))
 *     .thenMany(store.read("a", ReadOptions.defaults().prefix().limit(10)))
 *     .subscribe(record -> System.out.println(record.key() + " = " + record.valueAsString()));
 * }</pre>
 */
public interface Store {

  /** The database of a store whose settings name none, as in Go Micro. */
  String DEFAULT_DATABASE = "micro";

  /** The table of a store whose settings name none, as in Go Micro. */
  String DEFAULT_TABLE = "micro";

  /** Returns the name of the backend, such as {@code memory} or {@code postgres}. */
  String name();

  /** Returns the database used when an operation's options name none. */
  String database();

  /** Returns the table used when an operation's options name none. */
  String table();

  /**
   * Reads records.
   *
   * @param key the key, or with {@link ReadOptions#prefix()} or {@link ReadOptions#suffix()} what the keys
   *     start or end with (empty for every key)
   * @param options the namespace, matching and paging
   * @return a {@code Flux} of the live records that match, in key order where the backend keeps one
   *     (see the backend's documentation), that completes after the last; an exact read of a key with no
   *     live record fails with a 404 {@link io.reactivemicro.errors.MicroException}, a prefix or suffix
   *     read with no match is empty. Invalid names or keys fail with a 400.
   */
  Flux<Record> read(String key, ReadOptions options);

  /** Reads the record of {@code key} in the default namespace; a 404 when there is none. */
  default Flux<Record> read(String key) {
    return read(key, ReadOptions.defaults());
  }

  /**
   * Writes a record, replacing the one of the same key; the store assigns the new version.
   *
   * @param record the record; its version is ignored
   * @param options the namespace, expiry and condition
   * @return a {@code Mono} that completes once the record is stored (durably, for persistent backends);
   *     a conditional write whose condition does not hold fails with a 409 and writes nothing
   */
  Mono<Void> write(Record record, WriteOptions options);

  /** Writes a record to the default namespace, unconditionally. */
  default Mono<Void> write(Record record) {
    return write(record, WriteOptions.defaults());
  }

  /**
   * Deletes the record of a key.
   *
   * @param key the key
   * @param options the namespace
   * @return a {@code Mono} that completes once the record is gone; deleting a key with no record is not
   *     an error
   */
  Mono<Void> delete(String key, DeleteOptions options);

  /** Deletes the record of {@code key} in the default namespace. */
  default Mono<Void> delete(String key) {
    return delete(key, DeleteOptions.defaults());
  }

  /**
   * Lists the keys of live records.
   *
   * @param options the namespace, prefix, suffix and paging
   * @return a {@code Flux} of keys, in key order where the backend keeps one, that completes after the
   *     last
   */
  Flux<String> list(ListOptions options);

  /** Lists every key of the default namespace. */
  default Flux<String> list() {
    return list(ListOptions.defaults());
  }

  /**
   * Releases what the store holds (connections, files). A view from {@link #scoped(String, String)}
   * closes the store it views.
   *
   * @return a {@code Mono} that completes once released; the default does nothing
   */
  default Mono<Void> close() {
    return Mono.empty();
  }

  /**
   * Returns a view of this store whose default database and table are {@code database} and {@code table};
   * options that name a namespace still reach it.
   *
   * @param database the default database of the view
   * @param table the default table of the view
   * @return the view
   * @throws io.reactivemicro.errors.MicroException a 400 when a name is invalid
   */
  default Store scoped(String database, String table) {
    return new ScopedStore(this, new Namespace(database, table));
  }

  /**
   * Returns typed access to the default namespace of this store, values encoded with {@code codec}.
   *
   * @param type the type of the values
   * @param codec the codec of the values, such as one of {@link io.reactivemicro.codec.Codecs}
   * @param <T> the type of the values
   * @return the typed store
   * @throws IllegalArgumentException when the codec cannot encode or decode {@code type}
   */
  default <T> TypedStore<T> typed(Class<T> type, Codec codec) {
    return new TypedStore<>(this, type, codec);
  }

  /** Returns typed access to the default namespace of this store, values encoded as JSON. */
  default <T> TypedStore<T> typed(Class<T> type) {
    return typed(type, new JsonCodec());
  }

  /**
   * Returns the store {@code settings} choose: {@code MICRO_STORE} or {@code --store}, one of the
   * {@link StoreProvider}s on the class path, {@code memory} (the JVM-wide in-memory store) when none is
   * chosen. Its default namespace is {@code store_database} and {@code store_table}, or
   * {@value #DEFAULT_DATABASE}/{@value #DEFAULT_TABLE}; {@code store_address} is the backend's address.
   *
   * @throws IllegalArgumentException when the chosen store is not on the class path or a setting is invalid
   */
  static Store fromSettings(Settings settings) {
    return Plugins.create(StoreProvider.class, "store", "memory", settings);
  }

  /**
   * Returns the store of a service: the store {@code settings} choose, scoped to the database
   * {@code store_database} (default {@value #DEFAULT_DATABASE}) and the table {@code store_table}, which
   * defaults to the service's name, so that each service keeps its records apart as in Go Micro.
   *
   * @param service the service name; characters not allowed in table names become {@code _}
   * @param settings the settings
   * @return the service's store
   */
  static Store forService(String service, Settings settings) {
    String table = settings.get("store_table").orElse(service.replaceAll("[^A-Za-z0-9_.\\-]", "_"));
    return fromSettings(settings).scoped(settings.get("store_database").orElse(DEFAULT_DATABASE), table);
  }

  /** Returns a new in-memory store, for one JVM, in the default namespace. */
  static Store memory() {
    return MemoryStore.create();
  }

  /**
   * Returns the JVM-wide in-memory store, in the default namespace: everything in one JVM that
   * chooses the {@code memory} store shares its records.
   */
  static Store shared() {
    return MemoryStore.shared();
  }
}
