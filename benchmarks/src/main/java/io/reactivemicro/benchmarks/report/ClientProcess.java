package io.reactivemicro.benchmarks.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ClientJvm} the suite drives: it writes commands to the JVM's standard input and forwards the
 * JVM's output to its own, watching for the line that ends each command.
 */
final class ClientProcess implements AutoCloseable {

  private final String impl;
  private final Process process;
  private final Writer commands;
  private final BlockingQueue<String> done = new LinkedBlockingQueue<>();

  private ClientProcess(String impl, Process process) {
    this.impl = impl;
    this.process = process;
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread forward = new Thread(this::forward, "client-" + impl + "-output");
    forward.setDaemon(true);
    forward.start();
  }

  /**
   * Starts the client JVM.
   *
   * @param impl the implementation
   * @param command the command that runs {@link ClientJvm}
   * @return the process
   */
  static ClientProcess start(String impl, List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      return new ClientProcess(impl, process);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the JVM's process id. */
  long pid() {
    return process.pid();
  }

  /**
   * Runs one round of a scenario and waits for it.
   *
   * @param scenario the scenario
   * @param round the round
   * @param timeout the longest wait
   * @return whether it ended well in time
   */
  boolean run(String scenario, int round, Duration timeout) throws IOException, InterruptedException {
    if (!process.isAlive()) {
      return false;
    }
    System.out.println("# " + scenario + " / " + impl + ", round " + round);
    commands.write(scenario + " " + round + "\n");
    commands.flush();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String line = done.poll(1, TimeUnit.SECONDS);
      if (line != null) {
        return line.equals(ClientJvm.DONE + " " + scenario + " " + round + " ok");
      }
      if (!process.isAlive()) {
        return false;
      }
    }
    System.out.println("# " + scenario + " / " + impl + ", round " + round + " took longer than " + timeout
        + "; the client JVM is stopped");
    process.destroyForcibly();
    return false;
  }

  private void forward() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith(ClientJvm.DONE)) {
          done.add(line);
        } else {
          System.out.println(line);
        }
      }
    } catch (IOException e) {
      // The process ended.
    }
  }

  /** Tells the JVM to exit, and stops it if it does not within ten seconds. */
  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        commands.write("exit\n");
        commands.flush();
      }
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
