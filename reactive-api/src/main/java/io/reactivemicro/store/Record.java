package io.reactivemicro.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A record of a {@link Store}: a key, its value as bytes, string metadata, an optional expiry and the
 * version the store assigned to it.
 *
 * <p>The value is copied on the way in and on the way out, so a record is immutable. Versions start at
 * {@code 1} and grow with each write of the key; they are for equality checks in conditional writes
 * ({@link WriteOptions#ifVersion(long)}), not for ordering across keys. A record built by the application
 * has version {@code 0}: the store ignores it and assigns its own. Expiries have millisecond precision.
 *
 * <pre>{@code
 * store.write(Record.of("user/42", json).withMetadata(Map.of("type", "user")),
 *     WriteOptions.defaults().ttl(Duration.ofMinutes(5)));
 * }</pre>
 *
 * @param key the key, not empty
 * @param value the value (copied)
 * @param metadata string metadata, possibly empty
 * @param expiry when the record stops being returned, or {@code null} for never
 * @param version the version the store assigned; {@code 0} before it is written
 */
public record Record(String key, byte[] value, Map<String, String> metadata, @Nullable Instant expiry,
    long version) {

  /** Validates and copies the components. */
  public Record {
    Objects.requireNonNull(key, "key");
    value = Objects.requireNonNull(value, "value").clone();
    metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
    if (version < 0) {
      throw new IllegalArgumentException("version must not be negative: " + version);
    }
  }

  /**
   * Returns a record with no metadata and no expiry.
   *
   * @param key the key
   * @param value the value, copied
   * @return the record
   */
  public static Record of(String key, byte[] value) {
    return new Record(key, value, Map.of(), null, 0);
  }

  /**
   * Returns a record whose value is {@code value} in UTF-8.
   *
   * @param key the key
   * @param value the value
   * @return the record
   */
  public static Record of(String key, String value) {
    return of(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Returns a copy of the value. */
  @Override
  public byte[] value() {
    return value.clone();
  }

  /** Returns the value decoded as UTF-8. */
  public String valueAsString() {
    return new String(value, StandardCharsets.UTF_8);
  }

  /** Returns the length of the value in bytes, without copying it. */
  public int size() {
    return value.length;
  }

  /** Returns this record with other metadata. */
  public Record withMetadata(Map<String, String> metadata) {
    return new Record(key, value, metadata, expiry, version);
  }

  /** Returns this record with an expiry, or none when {@code expiry} is {@code null}. */
  public Record withExpiry(@Nullable Instant expiry) {
    return new Record(key, value, metadata, expiry, version);
  }

  /** Returns this record with a version; stores use it to report the version they assigned. */
  public Record withVersion(long version) {
    return new Record(key, value, metadata, expiry, version);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Record other
        && key.equals(other.key)
        && Arrays.equals(value, other.value)
        && metadata.equals(other.metadata)
        && Objects.equals(expiry, other.expiry)
        && version == other.version;
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, Arrays.hashCode(value), metadata, expiry, version);
  }

  @Override
  public String toString() {
    return "Record[key=" + key + ", size=" + value.length + ", metadata=" + metadata + ", expiry=" + expiry
        + ", version=" + version + "]";
  }
}
