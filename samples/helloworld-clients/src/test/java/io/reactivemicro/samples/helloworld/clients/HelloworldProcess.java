package io.reactivemicro.samples.helloworld.clients;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The helloworld service running as {@code java -jar helloworld.jar 127.0.0.1:<port>} in a child JVM,
 * so that the test JVM holds no Reactive Micro class and the clients talk to it over the wire only.
 */
final class HelloworldProcess {

  private static final String HOST = "127.0.0.1";
  private static final Duration STARTUP = Duration.ofSeconds(30);

  private final Process process;
  private final Path log;
  private final int port;

  private HelloworldProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts the jar named by the {@code helloworld.jar} system property and waits until its port
   * accepts connections. Without the jar (a {@code mvn test} that never packaged helloworld) the tests
   * are skipped, unless {@code CI} is set.
   */
  static HelloworldProcess start() throws IOException, InterruptedException {
    String property = System.getProperty("helloworld.jar");
    Path jar = property == null ? null : Path.of(property).toAbsolutePath().normalize();
    if (jar == null || !Files.isRegularFile(jar)) {
      String message = "no helloworld jar at " + jar + "; build it with "
          + "mvn -B -pl samples/helloworld -am package -DskipTests";
      if (System.getenv("CI") != null) {
        fail(message);
      }
      Assumptions.abort(message);
    }
    int port = freePort();
    Path log = Files.createTempFile("helloworld-", ".log");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(java.toString(), "-jar", jar.toString(), HOST + ":" + port)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    HelloworldProcess service = new HelloworldProcess(process, log, port);
    try {
      service.awaitListening();
    } catch (Throwable e) {
      service.stop();
      throw e;
    }
    return service;
  }

  String host() {
    return HOST;
  }

  int port() {
    return port;
  }

  /** The address as the clients' {@code main} methods take it. */
  String address() {
    return HOST + ":" + port;
  }

  private void awaitListening() throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(STARTUP);
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(HOST, port), 500);
        return;
      } catch (IOException notYet) {
        if (!process.isAlive()) {
          throw new IllegalStateException("helloworld exited with " + process.exitValue() + " before listening:\n"
              + output());
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("helloworld did not listen on " + address() + " within " + STARTUP
              + ":\n" + output());
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
  }

  /** What the service printed so far, for failure messages. */
  String output() throws IOException {
    return Files.readString(log);
  }

  /**
   * Sends SIGTERM, waits for the JVM to exit and returns what it printed.
   *
   * @throws IllegalStateException when it does not exit within 15 s
   */
  String terminate() throws IOException, InterruptedException {
    process.destroy();
    boolean exited = process.waitFor(15, TimeUnit.SECONDS);
    String output = output();
    stop();
    if (!exited) {
      throw new IllegalStateException("helloworld did not exit within 15 s of SIGTERM:\n" + output);
    }
    return output;
  }

  /** Stops the service the way Ctrl-C does, so that its shutdown hook runs, and waits for the JVM to exit. */
  void stop() throws IOException, InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
    }
    Files.deleteIfExists(log);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }
}
