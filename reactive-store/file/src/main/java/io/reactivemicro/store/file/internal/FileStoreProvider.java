package io.reactivemicro.store.file.internal;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.store.Store;
import io.reactivemicro.store.file.FileStore;
import io.reactivemicro.store.spi.StoreProvider;
import java.nio.file.Path;

/**
 * Provides {@code file} ({@code MICRO_STORE=file}): a {@link FileStore} in the directory
 * {@code store_address}, by default {@code ~/.micro/store}; {@code store_database} and {@code store_table}
 * set its default namespace, and {@code store_sync=true} forces every write to the disk.
 */
public final class FileStoreProvider implements StoreProvider {

  /** Returns the directory of a store whose settings name none: {@code ~/.micro/store}. */
  public static Path defaultDirectory() {
    return Path.of(System.getProperty("user.home"), ".micro", "store");
  }

  @Override
  public String name() {
    return "file";
  }

  @Override
  public Store create(Settings settings) {
    Path directory = settings.get("store_address").map(Path::of).orElseGet(FileStoreProvider::defaultDirectory);
    return FileStore.builder(directory)
        .database(settings.get("store_database").orElse(Store.DEFAULT_DATABASE))
        .table(settings.get("store_table").orElse(Store.DEFAULT_TABLE))
        .sync(settings.get("store_sync").map(Boolean::parseBoolean).orElse(false))
        .build();
  }
}
