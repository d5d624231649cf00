package io.reactivemicro.stream.spi;

import io.reactivemicro.plugin.spi.Provider;
import io.reactivemicro.stream.Stream;

/**
 * The plugin interface of streams: {@code MICRO_STREAM=<name>} (or {@code --stream=<name>}) picks the
 * provider with that name, listed in {@code META-INF/services/io.reactivemicro.stream.spi.StreamProvider}.
 * {@code MICRO_STREAM_ADDRESS} gives its addresses (for the log stream, its directory).
 */
public interface StreamProvider extends Provider<Stream> {}
