package io.reactivemicro.store;

import io.reactivemicro.codec.Codec;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.store.spi.StoreSupport;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Typed access to a {@link Store}: values of one type, encoded and decoded with a {@link Codec}. Obtained
 * from {@link Store#typed(Class, Codec)}; it uses the store's default namespace unless options name another.
 * Encoding and decoding happen on the thread that emits the record and never block.
 *
 * <pre>{@code
 * TypedStore<User> users = store.typed(User.class);
 * users.put("alice", new User("alice", 30))
 *     .then(users.update("alice", user -> user.withAge(user.age() + 1)))
 *     .subscribe();
 * }</pre>
 *
 * @param <T> the type of the values
 */
public final class TypedStore<T> {

  /** How many times {@link #update} tries again after a conflicting write. */
  private static final int UPDATE_ATTEMPTS = 1_000;

  private final Store store;
  private final Class<T> type;
  private final Codec.Encoder encoder;
  private final Codec.Decoder decoder;

  TypedStore(Store store, Class<T> type, Codec codec) {
    this.store = Objects.requireNonNull(store, "store");
    this.type = Objects.requireNonNull(type, "type");
    this.encoder = codec.encoder(type);
    this.decoder = codec.decoder(type);
  }

  /** Returns the untyped store underneath. */
  public Store store() {
    return store;
  }

  /**
   * Reads the value of a key.
   *
   * @param key the key
   * @return a {@code Mono} of the decoded value; a 404 when the key has no live record
   */
  public Mono<T> get(String key) {
    return store.read(key).next().map(this::decode).map(TypedRecord::value);
  }

  /**
   * Reads records, as {@link Store#read(String, ReadOptions)} does, with their values decoded.
   *
   * @param key the key, prefix or suffix
   * @param options the options of the read
   * @return a {@code Flux} of typed records; a value that does not decode fails it with a 500
   */
  public Flux<TypedRecord<T>> read(String key, ReadOptions options) {
    return store.read(key, options).map(this::decode);
  }

  /** Writes the value of a key, unconditionally, with no expiry. */
  public Mono<Void> put(String key, T value) {
    return write(key, value, WriteOptions.defaults());
  }

  /** Writes the value of a key with a time to live. */
  public Mono<Void> put(String key, T value, Duration ttl) {
    return write(key, value, WriteOptions.defaults().withTtl(ttl));
  }

  /**
   * Writes the value of a key, as {@link Store#write(Record, WriteOptions)} does.
   *
   * @param key the key
   * @param value the value, encoded when the returned {@code Mono} is subscribed
   * @param options the options of the write
   * @return a {@code Mono} that completes once written; a 409 when a condition does not hold
   */
  public Mono<Void> write(String key, T value, WriteOptions options) {
    return Mono.defer(() -> store.write(Record.of(key, encoder.encode(value)), options));
  }

  /** Deletes the record of a key. */
  public Mono<Void> delete(String key) {
    return store.delete(key);
  }

  /** Lists keys, as {@link Store#list(ListOptions)} does. */
  public Flux<String> list(ListOptions options) {
    return store.list(options);
  }

  /**
   * Changes the value of a key safely under concurrent writers: reads it, applies {@code change} and
   * writes the result only if nobody wrote in between ({@link WriteOptions#ifVersion(long)}, or
   * {@link WriteOptions#ifAbsent()} for a new key), trying again from the read after a conflict.
   *
   * @param key the key
   * @param change from the current value, or {@code null} when there is none, to the new value; it may be
   *     applied more than once and must have no side effect
   * @return a {@code Mono} of the value written; a 409 after {@value #UPDATE_ATTEMPTS} conflicting attempts
   */
  public Mono<T> update(String key, UnaryOperator<@Nullable T> change) {
    return Mono.defer(() -> store.read(key).next().map(this::decode)
            .map(current -> attempt(key, current.value(), WriteOptions.defaults().withIfVersion(current.version()), change))
            .onErrorResume(StoreSupportErrors::isNotFound,
                missing -> Mono.just(attempt(key, null, WriteOptions.defaults().withIfAbsent(), change)))
            .flatMap(write -> write))
        .retryWhen(Retry.max(UPDATE_ATTEMPTS).filter(StoreSupportErrors::isConflict)
            .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
  }

  private Mono<T> attempt(String key, @Nullable T current, WriteOptions options, UnaryOperator<@Nullable T> change) {
    T next = Objects.requireNonNull(change.apply(current), "the change returned null");
    return write(key, next, options).thenReturn(next);
  }

  private TypedRecord<T> decode(Record record) {
    Object value;
    try {
      value = decoder.decode(ByteBuffer.wrap(record.value()));
    } catch (RuntimeException e) {
      throw new MicroException(StoreSupport.ID, 500, "record '" + record.key() + "' does not decode as "
          + type.getSimpleName() + ": " + e.getMessage(), MicroException.statusText(500), e);
    }
    if (value == null) {
      throw new MicroException(StoreSupport.ID, 500, "record '" + record.key() + "' decodes as null");
    }
    return new TypedRecord<>(record.key(), type.cast(value), record.metadata(), record.expiry(),
        record.version());
  }

  /** Classifies store errors. */
  private static final class StoreSupportErrors {
    static boolean isNotFound(Throwable error) {
      return error instanceof MicroException me && me.code() == 404;
    }

    static boolean isConflict(Throwable error) {
      return error instanceof MicroException me && me.code() == 409;
    }
  }
}
