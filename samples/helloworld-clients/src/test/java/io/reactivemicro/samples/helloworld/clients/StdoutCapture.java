package io.reactivemicro.samples.helloworld.clients;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs a sample's {@code main} and answers the lines it printed. */
final class StdoutCapture {

  private StdoutCapture() {}

  /** A {@code main} method. */
  @FunctionalInterface
  interface Main {
    void run(String[] args) throws Exception;
  }

  static List<String> linesPrintedBy(Main main, String... args) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      main.run(args);
    } finally {
      System.setOut(original);
    }
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }
}
