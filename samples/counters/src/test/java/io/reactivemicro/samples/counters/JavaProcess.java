package io.reactivemicro.samples.counters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A class of this module run in a child JVM on the test class path, its output kept in a file. */
final class JavaProcess implements AutoCloseable {

  private final Process process;
  private final Path log;

  private JavaProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code mainClass} with {@code args} in a small child JVM. */
  static JavaProcess start(String mainClass, String... args) throws IOException {
    Path log = Files.createTempFile("counters-", ".log");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // A small, quickly started JVM: the machine running the tests may be busy.
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    return new JavaProcess(process, log);
  }

  /** Kills the JVM at once (SIGKILL): nothing runs, nothing is released. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
  }

  /**
   * Asks the JVM to stop as Ctrl-C does (SIGTERM) and waits for it to exit.
   *
   * @return whether it exited within {@code timeout}
   */
  boolean terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  /** Stops the JVM if it still runs, and deletes its output. */
  @Override
  public void close() throws Exception {
    if (process.isAlive() && !terminate(Duration.ofSeconds(15))) {
      kill();
    }
    Files.deleteIfExists(log);
  }
}
