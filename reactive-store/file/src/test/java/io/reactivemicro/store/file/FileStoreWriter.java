package io.reactivemicro.store.file;

import io.reactivemicro.store.Record;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The process {@link FileStoreTest} kills: writes records one after another and prints each key once its
 * write has completed, until it is killed.
 */
public final class FileStoreWriter {

  static final String ACK = "ack ";

  private FileStoreWriter() {}

  /**
   * Writes forever.
   *
   * @param args the store's directory
   */
  public static void main(String[] args) {
    FileStore store = FileStore.builder(Path.of(args[0])).build();
    for (long i = 0; ; i++) {
      String key = "key-" + i;
      store.write(Record.of(key, "value-of-" + key)).block(Duration.ofSeconds(60));
      System.out.println(ACK + key);
      System.out.flush();
    }
  }
}
