package io.reactivemicro.store.spi;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.store.ListOptions;
import io.reactivemicro.store.Namespace;
import io.reactivemicro.store.ReadOptions;
import io.reactivemicro.store.Record;
import io.reactivemicro.store.Store;
import io.reactivemicro.store.WriteOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Helpers that make every {@link Store} backend behave alike: key validation, matching, paging, errors
 * and the metadata encoding. Meant for backend implementations; applications need none of it.
 */
public final class StoreSupport {

  /** The {@code id} of the errors stores report. */
  public static final String ID = "io.reactivemicro.store";

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<LinkedHashMap<String, String>> METADATA = new TypeReference<>() {};

  private StoreSupport() {}

  /**
   * Validates the key of a write or a delete: not empty and without NUL characters.
   *
   * @param key the key
   * @return the key
   * @throws MicroException a 400 when the key is invalid
   */
  public static String checkKey(String key) {
    if (key == null || key.isEmpty()) {
      throw MicroException.badRequest(ID, "the key must not be empty");
    }
    return checkPattern(key);
  }

  /**
   * Validates the key of a read or the prefix or suffix of a list: it may be empty (match every key)
   * but must not contain NUL characters.
   *
   * @param pattern the key, prefix or suffix
   * @return it
   * @throws MicroException a 400 when it is invalid
   */
  public static String checkPattern(String pattern) {
    if (pattern == null) {
      throw MicroException.badRequest(ID, "the key must not be null");
    }
    if (pattern.indexOf('\0') >= 0) {
      throw MicroException.badRequest(ID, "keys must not contain NUL characters");
    }
    return pattern;
  }

  /**
   * Validates a limit and an offset.
   *
   * @throws IllegalArgumentException when one is negative
   */
  public static void checkPaging(long limit, long offset) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative: " + offset);
    }
  }

  /**
   * Tells whether {@code key} matches a read of {@code pattern} with {@code options}.
   *
   * @param key a stored key
   * @param pattern the key read
   * @param options the read's options
   * @return whether the record of {@code key} is part of the read
   */
  public static boolean matches(String key, String pattern, ReadOptions options) {
    if (!options.isPrefix() && !options.isSuffix()) {
      return key.equals(pattern);
    }
    return (!options.isPrefix() || key.startsWith(pattern)) && (!options.isSuffix() || key.endsWith(pattern));
  }

  /**
   * Tells whether {@code key} matches a list with {@code options}.
   *
   * @param key a stored key
   * @param options the list's options
   * @return whether the key is listed
   */
  public static boolean matches(String key, ListOptions options) {
    return key.startsWith(options.prefix()) && key.endsWith(options.suffix());
  }

  /**
   * Applies an offset and a limit to matches, keeping demand bounded: with a limit, no more than
   * {@code offset + limit} elements are requested from {@code matches}.
   *
   * @param matches the matching elements, in order
   * @param offset how many to skip
   * @param limit how many to return at most; {@code 0} for all
   * @param <T> the elements
   * @return the page
   */
  public static <T> Flux<T> page(Flux<T> matches, long offset, long limit) {
    Flux<T> skipped = offset > 0 ? matches.skip(offset) : matches;
    return limit > 0 ? skipped.take(limit) : skipped;
  }

  /** Returns the 404 of an exact read of a key that has no live record. */
  public static MicroException notFound(Namespace namespace, String key) {
    return MicroException.notFound(ID, "no record '%s' in %s", key, namespace);
  }

  /**
   * Returns the 409 of a conditional write whose condition does not hold.
   *
   * @param namespace where the write went
   * @param key the key
   * @param expected the version expected, {@code 0} for none
   * @param actual the live version, {@code 0} for none
   * @return the error
   */
  public static MicroException conflict(Namespace namespace, String key, long expected, long actual) {
    if (expected == 0) {
      return MicroException.conflict(ID, "record '%s' in %s already exists (version %d)", key, namespace, actual);
    }
    if (actual == 0) {
      return MicroException.conflict(ID, "record '%s' in %s no longer exists (expected version %d)", key,
          namespace, expected);
    }
    return MicroException.conflict(ID, "record '%s' in %s has version %d, not %d", key, namespace, actual,
        expected);
  }

  /**
   * Returns the 409 of a conditional write whose condition does not hold, when the backend does not
   * report the live version.
   *
   * @param namespace where the write went
   * @param key the key
   * @param expected the version expected, {@code 0} for none
   * @return the error
   */
  public static MicroException conflict(Namespace namespace, String key, long expected) {
    if (expected == 0) {
      return MicroException.conflict(ID, "record '%s' in %s already exists", key, namespace);
    }
    return MicroException.conflict(ID, "record '%s' in %s no longer has version %d", key, namespace, expected);
  }

  /**
   * Tells whether {@code record} has expired at {@code nowMillis}: its expiry is at or before that instant.
   *
   * @param record the record
   * @param nowMillis the time, in milliseconds since the epoch
   * @return {@code true} when the record must no longer be returned
   */
  public static boolean expired(Record record, long nowMillis) {
    Instant expiry = record.expiry();
    return expiry != null && expiry.toEpochMilli() <= nowMillis;
  }

  /**
   * Returns the expiry of {@code record} written with {@code options} at {@code nowMillis}, to the
   * millisecond, or {@code null} when it never expires: the options' time to live from now, else their
   * expiry, else the record's own.
   *
   * @param options the write's options
   * @param record the record written
   * @param nowMillis the time of the write, in milliseconds since the epoch
   * @return the expiry, or {@code null}
   */
  public static @Nullable Instant expiry(WriteOptions options, Record record, long nowMillis) {
    Duration ttl = options.ttl();
    if (ttl != null) {
      return Instant.ofEpochMilli(nowMillis + ttl.toMillis());
    }
    Instant at = options.expiry() != null ? options.expiry() : record.expiry();
    return at == null ? null : Instant.ofEpochMilli(at.toEpochMilli());
  }

  /**
   * Tells whether the write's condition holds against the live version.
   *
   * @param options the write's options
   * @param liveVersion the version of the live record, {@code 0} when there is none (or it expired)
   * @return whether the write may proceed
   */
  public static boolean conditionHolds(WriteOptions options, long liveVersion) {
    return !options.conditional() || options.expectedVersion() == liveVersion;
  }

  /** Encodes metadata as a JSON object, for backends that store it as text. */
  public static String encodeMetadata(Map<String, String> metadata) {
    return metadata.isEmpty() ? "{}" : JSON.writeValueAsString(metadata);
  }

  /**
   * Decodes metadata {@link #encodeMetadata(Map)} encoded.
   *
   * @throws MicroException a 500 when the text is not such JSON
   */
  public static Map<String, String> decodeMetadata(String json) {
    if (json.isEmpty() || json.equals("{}")) {
      return Map.of();
    }
    try {
      return JSON.readValue(json, METADATA);
    } catch (JacksonException e) {
      throw new MicroException(ID, 500, "stored metadata is not valid: " + e.getOriginalMessage(),
          MicroException.statusText(500), e);
    }
  }
}
