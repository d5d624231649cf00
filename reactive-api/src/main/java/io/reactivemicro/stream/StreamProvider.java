package io.reactivemicro.stream;

import io.reactivemicro.plugin.Provider;

/**
 * The plugin interface of streams: {@code MICRO_STREAM=<name>} (or {@code --stream=<name>}) picks the
 * provider with that name, listed in {@code META-INF/services/io.reactivemicro.stream.StreamProvider}.
 * {@code MICRO_STREAM_ADDRESS} gives its addresses (for the log stream, its directory).
 */
public interface StreamProvider extends Provider<Stream> {}
