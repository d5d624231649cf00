package io.reactivemicro.benchmarks.soak;

import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.client.Client;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.ServiceInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import reactor.core.publisher.Flux;

/**
 * The soak run: mixed traffic from several clients against a service of three nodes, some clients hostile
 * (answers never read, random frames, stalled HTTP heads, endless streams never read, idle connections),
 * while nodes stop gracefully and new ones start. Every ten seconds it prints each node's heap after
 * garbage collection; at the end it reports the heap over time, the buffers Netty reported leaked (which
 * must be 0), the honest calls that failed (which must be 0) and the slowest honest call, and writes them
 * to {@code benchmarks/results/soak.json}. It exits with 1 when a buffer leaked or an honest call failed.
 *
 * <pre>{@code
 * benchmarks/soak                 # 5 minutes
 * benchmarks/soak --minutes 15    # longer
 * }</pre>
 */
public final class Soak {

  private static final String SERVICE = "soak";
  private static final Duration SAMPLE_EVERY = Duration.ofSeconds(10);

  private final Registry registry = Registry.memory();
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong honestCalls = new AtomicLong();
  private final AtomicLong honestFailures = new AtomicLong();
  private final AtomicLong attacks = new AtomicLong();
  private final ConcurrentLinkedQueue<String> failureSamples = new ConcurrentLinkedQueue<>();
  private final Recorder latency = new Recorder(3);
  private final List<String> samples = new ArrayList<>();
  private long maxLatencyNanos;
  private long leaks;
  private int stopped;

  private Soak() {}

  /**
   * Runs the soak.
   *
   * @param args {@code --minutes N} (5), {@code --churn-seconds N} (45)
   * @throws Exception when the run cannot be set up
   */
  public static void main(String[] args) throws Exception {
    int minutes = 5;
    int churnSeconds = 45;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--minutes" -> minutes = Integer.parseInt(args[i + 1]);
        case "--churn-seconds" -> churnSeconds = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.exit(new Soak().run(Duration.ofMinutes(minutes), Duration.ofSeconds(churnSeconds)));
  }

  private int run(Duration length, Duration churn) throws Exception {
    for (int i = 0; i < 3; i++) {
      start();
    }
    List<Thread> threads = new ArrayList<>();
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Client client = Client.builder().registry(registry).build();
      clients.add(client);
      threads.add(loop("honest-" + i, () -> honest(client)));
    }
    Random random = new Random(1);
    threads.add(loop("unread-answers", () -> Attacks.unreadAnswers(randomNode(random))));
    threads.add(loop("random-frames", () -> Attacks.randomFrames(randomNode(random), random)));
    threads.add(loop("stalled-http", () -> Attacks.stalledHttpHeads(randomNode(random))));
    threads.add(loop("unread-stream", () -> Attacks.unreadEndlessStream(randomNode(random))));
    threads.add(loop("idle-connections", () -> Attacks.idleConnections(randomNode(random), () -> 50)));

    Instant end = Instant.now().plus(length);
    Instant nextChurn = Instant.now().plus(churn);
    long started = System.nanoTime();
    while (Instant.now().isBefore(end)) {
      Thread.sleep(SAMPLE_EVERY.toMillis());
      sample(Duration.ofNanos(System.nanoTime() - started));
      if (Instant.now().isAfter(nextChurn)) {
        churn();
        nextChurn = Instant.now().plus(churn);
      }
    }
    running.set(false);
    for (Thread thread : threads) {
      thread.join(60_000);
    }
    sample(Duration.ofNanos(System.nanoTime() - started));
    clients.forEach(client -> client.close().block(Duration.ofSeconds(10)));
    for (NodeProcess node : nodes) {
      node.stop();
    }
    return report(length);
  }

  /** An honest caller: calls, streams and channels, each with a timeout, and counts what fails. */
  private void honest(Client client) {
    long i = honestCalls.get();
    RequestOptions options = RequestOptions.defaults().withTimeout(Duration.ofSeconds(5)).withIdempotent(true).withRetries(3);
    long start = System.nanoTime();
    try {
      if (i % 20 == 0) {
        Long count = client.stream(SERVICE, "Soak.Count", 50, Integer.class,
                options.withStreamTimeout(Duration.ofSeconds(10))).count().block(Duration.ofSeconds(15));
        check(count != null && count == 50, "stream of 50 gave " + count);
      } else if (i % 20 == 10) {
        List<String> echoed = client.channel(SERVICE, "Soak.Echo", Flux.just("a", "b", "c"), String.class,
            options.withStreamTimeout(Duration.ofSeconds(10))).collectList().block(Duration.ofSeconds(15));
        check(echoed != null && echoed.size() == 3, "channel of 3 gave " + echoed);
      } else {
        String answer = client.call(SERVICE, "Soak.Greeting", "honest", String.class, options)
            .block(Duration.ofSeconds(30));
        check("Hello honest".equals(answer), "call gave " + answer);
      }
    } catch (RuntimeException e) {
      honestFailures.incrementAndGet();
      if (failureSamples.size() < 10) {
        failureSamples.add(e.toString());
      }
    } finally {
      latency.recordValue(Math.min(TimeUnit.SECONDS.toNanos(60), System.nanoTime() - start));
      honestCalls.incrementAndGet();
    }
  }

  private static void check(boolean held, String what) {
    if (!held) {
      throw new IllegalStateException(what);
    }
  }

  /** Stops the oldest node gracefully, as an operator would, and starts a new one in its place. */
  private void churn() throws Exception {
    NodeProcess leaving;
    synchronized (nodes) {
      leaving = nodes.remove(0);
    }
    // Deregistered first, as a service does when it stops; the clients' selectors hear of it at once, as
    // the registry is in this JVM, and the node then drains what is in flight.
    registry.deregister(info(leaving)).block(Duration.ofSeconds(5));
    Thread.sleep(1_000);
    leaving.stop();
    stopped++;
    start();
  }

  private void start() {
    NodeProcess node = NodeProcess.start(freePort(), this);
    synchronized (nodes) {
      nodes.add(node);
    }
    registry.register(info(node), Duration.ofHours(1)).block(Duration.ofSeconds(5));
  }

  private static ServiceInfo info(NodeProcess node) {
    return new ServiceInfo(SERVICE, "latest", Map.of(), List.of(),
        List.of(Node.of("soak-" + node.port, "127.0.0.1:" + node.port)));
  }

  private int randomNode(Random random) {
    synchronized (nodes) {
      return nodes.get(random.nextInt(nodes.size())).port;
    }
  }

  private void sample(Duration at) {
    List<String> heaps = new ArrayList<>();
    List<NodeProcess> current;
    synchronized (nodes) {
      current = List.copyOf(nodes);
    }
    for (NodeProcess node : current) {
      long[] stats = node.stats();
      heaps.add(String.format(Locale.ROOT, "%d:%.1f/%.1f", node.port, stats[0] / 1048576.0, stats[1] / 1048576.0));
    }
    var histogram = latency.getIntervalHistogram();
    maxLatencyNanos = Math.max(maxLatencyNanos, histogram.getMaxValue());
    String line = String.format(Locale.ROOT,
        "%4ds  heap after GC / direct MiB per node %s  honest calls %d, failed %d, p99 %.1f ms, max %.1f ms  "
            + "attacks %d  leaks %d",
        at.toSeconds(), heaps, honestCalls.get(), honestFailures.get(),
        histogram.getValueAtPercentile(99) / 1e6, histogram.getMaxValue() / 1e6, attacks.get(), leaks());
    samples.add(line);
    System.out.println(line);
  }

  private synchronized long leaks() {
    return leaks;
  }

  /** Counts a leak report a node printed. */
  synchronized void leaked(String line) {
    leaks++;
    System.out.println("LEAK REPORTED: " + line);
  }

  private int report(Duration length) throws IOException {
    boolean passed = leaks() == 0 && honestFailures.get() == 0;
    StringBuilder json = new StringBuilder("{\n");
    json.append(String.format(Locale.ROOT, "  \"minutes\": %d,%n", length.toMinutes()));
    json.append(String.format(Locale.ROOT, "  \"nodesStopped\": %d,%n", stopped));
    json.append(String.format(Locale.ROOT, "  \"honestCalls\": %d,%n", honestCalls.get()));
    json.append(String.format(Locale.ROOT, "  \"honestFailures\": %d,%n", honestFailures.get()));
    json.append(String.format(Locale.ROOT, "  \"maxHonestLatencyMs\": %.1f,%n", maxLatencyNanos / 1e6));
    json.append(String.format(Locale.ROOT, "  \"attacks\": %d,%n", attacks.get()));
    json.append(String.format(Locale.ROOT, "  \"leakedBuffers\": %d,%n", leaks()));
    json.append("  \"samples\": [\n");
    for (int i = 0; i < samples.size(); i++) {
      json.append("    \"").append(samples.get(i).replace("\"", "'")).append(i + 1 < samples.size() ? "\",\n" : "\"\n");
    }
    json.append("  ],\n  \"failureSamples\": [");
    json.append(String.join(", ", failureSamples.stream().map(f -> "\"" + f.replace("\"", "'") + "\"").toList()));
    json.append("]\n}\n");
    Path out = Path.of(System.getProperty("bench.root", "."), "benchmarks", "results", "soak.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, json.toString());
    System.out.printf(Locale.ROOT, "%nsoak %s: %d honest calls, %d failed; slowest %.1f ms; %d attacks; %d nodes "
        + "stopped and replaced; %d leaked buffers; written to %s%n", passed ? "passed" : "FAILED", honestCalls.get(),
        honestFailures.get(), maxLatencyNanos / 1e6, attacks.get(), stopped, leaks(), out);
    failureSamples.forEach(f -> System.out.println("  failed: " + f));
    return passed ? 0 : 1;
  }

  /** A repeated action in a thread of its own, until the run ends. */
  private interface Action {
    void run() throws Exception;
  }

  private Thread loop(String name, Action action) {
    Thread thread = new Thread(() -> {
      while (running.get()) {
        try {
          action.run();
          if (!name.startsWith("honest")) {
            attacks.incrementAndGet();
          }
        } catch (Exception e) {
          if (!name.startsWith("honest")) {
            attacks.incrementAndGet();
          }
        }
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A node in a JVM of its own, with paranoid leak detection whose reports the soak counts. */
  static final class NodeProcess {
    final int port;
    private final Process process;
    private final BufferedReader out;
    private final Writer in;

    private NodeProcess(int port, Process process) {
      this.port = port;
      this.process = process;
      this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    static NodeProcess start(int port, Soak soak) {
      List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xms512m", "-Xmx512m", "-XX:+UseG1GC", "-Dio.netty.leakDetection.level=paranoid",
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
          SoakNode.class.getName(), String.valueOf(port));
      try {
        Process process = new ProcessBuilder(command).start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        NodeProcess node = new NodeProcess(port, process);
        Thread errors = new Thread(() -> node.watchErrors(soak), "node-" + port + "-stderr");
        errors.setDaemon(true);
        errors.start();
        node.answer("ready");
        return node;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start a node on port " + port, e);
      }
    }

    /** Counts the leak reports in what the node logs; warnings about hostile peers are expected. */
    private void watchErrors(Soak soak) {
      try (BufferedReader errors = new BufferedReader(
          new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line = errors.readLine(); line != null; line = errors.readLine()) {
          if (line.contains("LEAK:")) {
            soak.leaked(line);
          }
        }
      } catch (IOException e) {
        // The node exited.
      }
    }

    synchronized long[] stats() {
      try {
        in.write("stats\n");
        in.flush();
        String[] parts = answer("stats").split(" ");
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    synchronized void stop() throws InterruptedException {
      try {
        in.write("stop\n");
        in.flush();
        answer("stopped");
      } catch (IOException e) {
        // Already gone.
      }
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }

    private String answer(String key) throws IOException {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.equals(key) || line.startsWith(key + " ")) {
          return line.length() > key.length() ? line.substring(key.length() + 1) : "";
        }
      }
      throw new IOException("node " + port + " exited before answering " + key);
    }
  }
}
