package io.reactivemicro.store;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A view of a store with another default namespace. */
final class ScopedStore implements Store {

  private final Store store;
  private final Namespace scope;

  ScopedStore(Store store, Namespace scope) {
    this.store = store instanceof ScopedStore scoped ? scoped.store : store;
    this.scope = scope;
  }

  @Override
  public String name() {
    return store.name();
  }

  @Override
  public String database() {
    return scope.database();
  }

  @Override
  public String table() {
    return scope.table();
  }

  @Override
  public Flux<Record> read(String key, ReadOptions options) {
    return store.read(key, options.scopedTo(scope.database(), scope.table()));
  }

  @Override
  public Mono<Void> write(Record record, WriteOptions options) {
    return store.write(record, options.scopedTo(scope.database(), scope.table()));
  }

  @Override
  public Mono<Void> delete(String key, DeleteOptions options) {
    return store.delete(key, options.scopedTo(scope.database(), scope.table()));
  }

  @Override
  public Flux<String> list(ListOptions options) {
    return store.list(options.scopedTo(scope.database(), scope.table()));
  }

  @Override
  public Mono<Void> close() {
    return store.close();
  }

  @Override
  public String toString() {
    return store + " scoped to " + scope;
  }
}
