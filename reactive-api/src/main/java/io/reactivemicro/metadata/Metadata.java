package io.reactivemicro.metadata;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Immutable string headers that travel with a call, looked up without regard to case.
 *
 * <p>Metadata lives in the Reactor {@code Context} under {@link #CONTEXT_KEY}. The client sends the
 * metadata of the context it is subscribed in; the server puts what arrived into the context of the
 * handler's pipeline, so a handler reads it with {@link #current()} and its own outgoing calls pass it on.
 *
 * <pre>{@code
 * client.call("users", "Users.Get", request, User.class)
 *     .contextWrite(Metadata.append("X-Request-Id", "42"));
 *
 * // in a handler
 * Mono<Reply> greeting(Request req) {
 *   return Metadata.current().map(md -> new Reply("Hello " + md.get("X-User")));
 * }
 * }</pre>
 */
public final class Metadata {

  /** The key under which metadata is kept in a Reactor {@code Context}. */
  public static final Object CONTEXT_KEY = Metadata.class;

  private static final Metadata EMPTY = new Metadata(Collections.emptyNavigableMap());

  private final Map<String, String> entries;

  private Metadata(Map<String, String> entries) {
    this.entries = entries;
  }

  /** Returns metadata with no entries. */
  public static Metadata empty() {
    return EMPTY;
  }

  /**
   * Returns metadata holding a copy of {@code entries}.
   *
   * @param entries header names and values
   * @return the metadata
   */
  public static Metadata of(Map<String, String> entries) {
    if (entries.isEmpty()) {
      return EMPTY;
    }
    if (entries instanceof TreeMap<String, String> tm && tm.comparator() == String.CASE_INSENSITIVE_ORDER) {
      return new Metadata(Collections.unmodifiableMap(new TreeMap<>(tm)));
    }
    TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    entries.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, "value")));
    return new Metadata(Collections.unmodifiableMap(copy));
  }

  /**
   * Returns metadata holding the given pairs.
   *
   * @param keysAndValues key, value, key, value...
   * @return the metadata
   */
  public static Metadata of(String... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values come in pairs");
    }
    TreeMap<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return of(map);
  }

  /**
   * Returns the value of a header, or {@code null}.
   *
   * @param key the header name, in any case
   * @return its value or {@code null}
   */
  public @Nullable String get(String key) {
    return entries.get(key);
  }

  /** Returns the entries as an unmodifiable map whose look-ups ignore case. */
  public Map<String, String> asMap() {
    return entries;
  }

  /** Returns whether there are no entries. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * Returns this metadata with one header set.
   *
   * @param key the header name
   * @param value its value
   * @return new metadata
   */
  public Metadata with(String key, String value) {
    TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    copy.putAll(entries);
    copy.put(key, value);
    return new Metadata(Collections.unmodifiableMap(copy));
  }

  /**
   * Returns this metadata overlaid with {@code other}: where both have a header, {@code other}'s wins.
   *
   * @param other the metadata that takes precedence
   * @return merged metadata
   */
  public Metadata merge(Metadata other) {
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    copy.putAll(entries);
    copy.putAll(other.entries);
    return new Metadata(Collections.unmodifiableMap(copy));
  }

  /**
   * Returns the metadata in a context view, or empty metadata.
   *
   * @param context a Reactor context
   * @return its metadata
   */
  public static Metadata from(ContextView context) {
    return context.getOrDefault(CONTEXT_KEY, EMPTY);
  }

  /**
   * Returns a {@code Mono} that emits the metadata of the context it is subscribed in (empty metadata
   * when there is none); it never completes empty.
   */
  public static Mono<Metadata> current() {
    return Mono.deferContextual(ctx -> Mono.just(from(ctx)));
  }

  /**
   * Returns a function for {@code contextWrite} that adds one header to the metadata already in the
   * context.
   *
   * @param key the header name
   * @param value its value
   * @return a context transformation
   */
  public static Function<Context, Context> append(String key, String value) {
    return ctx -> ctx.put(CONTEXT_KEY, from(ctx).with(key, value));
  }

  /**
   * Returns a function for {@code contextWrite} that overlays {@code metadata} on what the context has.
   *
   * @param metadata the headers to add
   * @return a context transformation
   */
  public static Function<Context, Context> append(Metadata metadata) {
    return ctx -> ctx.put(CONTEXT_KEY, from(ctx).merge(metadata));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Metadata m && entries.equals(m.entries);
  }

  @Override
  public int hashCode() {
    // Keys that differ only in case are equal, so they must hash alike: fold case as the comparator does.
    int hash = 0;
    for (Map.Entry<String, String> entry : entries.entrySet()) {
      String key = entry.getKey();
      int keyHash = 0;
      for (int i = 0; i < key.length(); i++) {
        keyHash = 31 * keyHash + Character.toLowerCase(Character.toUpperCase(key.charAt(i)));
      }
      hash += keyHash ^ entry.getValue().hashCode();
    }
    return hash;
  }

  @Override
  public String toString() {
    return "Metadata" + entries;
  }
}
