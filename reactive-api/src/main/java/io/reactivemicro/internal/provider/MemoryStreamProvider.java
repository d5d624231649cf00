package io.reactivemicro.internal.provider;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.stream.MemoryStream;
import io.reactivemicro.stream.Stream;
import io.reactivemicro.stream.spi.StreamProvider;

/** Provides {@code memory}: the JVM-wide {@link MemoryStream#shared()}, so services of one JVM share events. */
public final class MemoryStreamProvider implements StreamProvider {

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Stream create(Settings settings) {
    return Stream.shared();
  }
}
