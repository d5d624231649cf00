package io.reactivemicro.stream;

import io.reactivemicro.plugin.Settings;

/** Provides {@code memory}: a new {@link MemoryStream} for each call. */
public final class MemoryStreamProvider implements StreamProvider {

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Stream create(Settings settings) {
    return Stream.memory();
  }
}
