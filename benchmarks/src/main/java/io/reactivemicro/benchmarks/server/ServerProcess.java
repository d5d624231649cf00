package io.reactivemicro.benchmarks.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link BenchServer} in a child JVM, with the same heap and event-loop settings for every implementation. */
public final class ServerProcess implements AutoCloseable {

  /** Flags of every server JVM and every client JVM: a fixed heap, G1, one Reactor Netty event loop, NIO. */
  public static final List<String> JVM_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC",
      "-Dreactor.netty.ioWorkerCount=1", "-Dreactor.netty.native=false", "-Djava.awt.headless=true",
      "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");

  private final Process process;
  private final BufferedReader out;
  private final Writer in;
  private final int port;
  private final int controlPort;

  private ServerProcess(Process process) throws IOException {
    this.process = process;
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.port = Integer.parseInt(answer("port"));
    this.controlPort = Integer.parseInt(answer("control"));
  }

  /** Returns the server JVM's process id. */
  public long pid() {
    return process.pid();
  }

  /**
   * Starts a server JVM and waits until it serves.
   *
   * @param impl the implementation
   * @param scenario the scenario, for baselines that serve one scenario per process
   * @return the running server
   */
  public static ServerProcess start(String impl, String scenario) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_FLAGS);
    String jfr = System.getProperty("bench.jfr");
    if (jfr != null && !jfr.isEmpty()) {
      command.add("-XX:StartFlightRecording=settings=profile,filename="
          + Path.of(jfr, "server-" + scenario + "-" + impl + ".jfr"));
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BenchServer.class.getName());
    command.add(impl);
    command.add(scenario);
    try {
      Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      ServerProcess server = new ServerProcess(process);
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the " + impl + " server", e);
    }
  }

  /** Returns the port the server listens on, on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** Returns the server's used heap after full collections. */
  public long heapAfterGc() {
    return Long.parseLong(command("heap"));
  }

  /** Returns the port of the server's control socket, which answers the same commands as its input. */
  public int controlPort() {
    return controlPort;
  }

  /** Returns the names of the server's threads, comma-separated. */
  public String threads() {
    return command("threads");
  }

  private synchronized String command(String name) {
    try {
      in.write(name + "\n");
      in.flush();
      return answer(name);
    } catch (IOException e) {
      throw new UncheckedIOException("the server did not answer " + name, e);
    }
  }

  /** Reads up to the line that starts with {@code key}, skipping whatever else the JVM printed. */
  private String answer(String key) throws IOException {
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith(key + " ")) {
        return line.substring(key.length() + 1);
      }
    }
    throw new IOException("the server exited (" + waitFor() + ") before answering " + key);
  }

  private String waitFor() {
    try {
      return process.waitFor(5, TimeUnit.SECONDS) ? "exit code " + process.exitValue() : "still running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  @Override
  public void close() {
    try {
      in.write("stop\n");
      in.flush();
      in.close();
    } catch (IOException e) {
      // Already gone: nothing to stop.
    }
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
