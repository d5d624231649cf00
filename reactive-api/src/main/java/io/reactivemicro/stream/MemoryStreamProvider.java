package io.reactivemicro.stream;

import io.reactivemicro.plugin.Settings;

/** Provides {@code memory}: the JVM-wide {@link MemoryStream#shared()}, so services of one JVM share events. */
public final class MemoryStreamProvider implements StreamProvider {

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Stream create(Settings settings) {
    return MemoryStream.shared();
  }
}
