package io.reactivemicro.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.store.ListOptions;
import io.reactivemicro.store.Namespace;
import io.reactivemicro.store.Record;
import io.reactivemicro.store.Store;
import io.reactivemicro.store.WriteOptions;
import io.reactivemicro.test.Refusal;
import io.reactivemicro.test.store.StoreContract;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.test.StepVerifier;

class FileStoreTest extends StoreContract {

  @TempDir
  Path directory;

  @Override
  protected Store createStore(Scheduler clock) {
    return FileStore.builder(directory).clock(clock).build();
  }

  @Override
  protected Mono<Void> cleanUp(Store backend, Namespace namespace) {
    return Mono.empty(); // the file lives in a temporary directory of its own
  }

  /** Settings of a store in a directory of its own: two stores cannot share one. */
  @Override
  protected Settings settingsChoosingThisBackend() {
    return Settings.of(Map.of("MICRO_STORE", "file", "MICRO_STORE_ADDRESS", directory.resolve("chosen").toString(),
        "MICRO_STORE_TABLE", "users"));
  }

  @Override
  protected void assertChosen(Store chosen) {
    assertThat(chosen.table()).isEqualTo("users");
    assertThat(Files.exists(directory.resolve("chosen").resolve(FileStore.FILE_NAME))).isTrue();
  }

  @Override
  protected List<Refusal> builderRefusals() {
    return List.of(Refusal.of(() -> FileStore.builder(null), NullPointerException.class, "directory"));
  }

  @Test
  void recordsSurviveClosingAndReopening(@TempDir Path other) {
    FileStore first = FileStore.builder(other).build();
    first.write(Record.of("k", "v").withMetadata(Map.of("m", "1"))).block(TIMEOUT);
    first.write(Record.of("gone", "x"), WriteOptions.defaults().withNamespace("db", "tbl")).block(TIMEOUT);
    first.close().block(TIMEOUT);

    FileStore second = FileStore.builder(other).build();
    try {
      Record record = second.read("k").single().block(TIMEOUT);
      assertThat(record.valueAsString()).isEqualTo("v");
      assertThat(record.metadata()).isEqualTo(Map.of("m", "1"));
      assertThat(second.list(ListOptions.defaults().withNamespace("db", "tbl")).collectList().block(TIMEOUT))
          .containsExactly("gone");
    } finally {
      second.close().block(TIMEOUT);
    }
    assertThat(other.resolve(FileStore.FILE_NAME)).exists();
  }

  @Test
  void everyAcknowledgedWriteSurvivesTheProcessBeingKilled(@TempDir Path other) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        FileStoreWriter.class.getName(), other.toString())
        .redirectErrorStream(true)
        .start();
    List<String> acknowledged = new ArrayList<>();
    List<String> output = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (acknowledged.size() < 300 && (line = lines.readLine()) != null) {
        if (line.startsWith(FileStoreWriter.ACK)) {
          acknowledged.add(line.substring(FileStoreWriter.ACK.length()));
        } else {
          output.add(line);
        }
      }
      // Killed while it goes on writing: no shutdown hook, no close, no last commit.
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(acknowledged).as("acknowledged writes; child output: %s", output).hasSize(300);

    FileStore reopened = FileStore.builder(other).build();
    try {
      for (String key : acknowledged) {
        assertThat(reopened.read(key).single().block(TIMEOUT).valueAsString()).isEqualTo("value-of-" + key);
      }
    } finally {
      reopened.close().block(TIMEOUT);
    }
  }

  @Test
  void aSecondStoreOnTheSameDirectoryFailsWithServiceUnavailable(@TempDir Path other) {
    FileStore first = FileStore.builder(other).build();
    FileStore second = FileStore.builder(other).build();
    try {
      first.write(Record.of("k", "v")).block(TIMEOUT);

      StepVerifier.create(second.read("k"))
          .expectErrorSatisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(503))
          .verify(TIMEOUT);
    } finally {
      first.close().block(TIMEOUT);
      second.close().block(TIMEOUT);
    }
  }

  @Test
  void purgeRemovesExpiredRecordsFromTheFile() {
    FileStore store = (FileStore) backend();
    store.write(Record.of("short", "x"), WriteOptions.defaults().withTtl(Duration.ofSeconds(1))).block(TIMEOUT);
    store.write(Record.of("long", "y")).block(TIMEOUT);
    passTime(Duration.ofSeconds(2));

    assertThat(store.purgeExpired().block(TIMEOUT)).isEqualTo(1);
    assertThat(store.list().collectList().block(TIMEOUT)).containsExactly("long");
  }

  @Test
  void settingsWithoutAnAddressKeepTheStoreUnderTheHomeDirectory() {
    // The file is opened by the first operation: this store, which makes none, touches no file.
    Store store = Store.fromSettings(Settings.of(Map.of("MICRO_STORE", "file")));
    try {
      assertThat(((FileStore) store).directory().toString()).endsWith("/.micro/store");
    } finally {
      store.close().block(TIMEOUT);
    }
  }
}
