package io.reactivemicro.internal.provider;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.sync.MemorySync;
import io.reactivemicro.sync.Sync;
import io.reactivemicro.sync.spi.SyncProvider;

/**
 * Provides {@code memory}: a client of the JVM-wide in-memory lock table, so every {@code Sync} it creates
 * in one JVM sees the locks of the others.
 */
public final class MemorySyncProvider implements SyncProvider {

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Sync create(Settings settings) {
    return MemorySync.shared();
  }
}
