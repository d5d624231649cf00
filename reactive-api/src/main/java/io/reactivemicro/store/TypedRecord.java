package io.reactivemicro.store;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A record of a {@link TypedStore}: its decoded value beside the record's key, metadata, expiry and version.
 *
 * @param key the key
 * @param value the decoded value
 * @param metadata the metadata
 * @param expiry when the record expires, or {@code null}
 * @param version the version, for {@link WriteOptions#ifVersion(long)}
 * @param <T> the type of the value
 */
public record TypedRecord<T>(String key, T value, Map<String, String> metadata, @Nullable Instant expiry,
    long version) {}
