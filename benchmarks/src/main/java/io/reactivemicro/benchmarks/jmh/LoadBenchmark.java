package io.reactivemicro.benchmarks.jmh;

import io.reactivemicro.benchmarks.client.Driver;
import io.reactivemicro.benchmarks.load.Load;
import io.reactivemicro.benchmarks.load.Outcome;
import io.reactivemicro.benchmarks.server.ServerControl;
import io.reactivemicro.benchmarks.server.ServerProcess;
import io.reactivemicro.benchmarks.server.Usage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The frame of every throughput benchmark: the server in its own JVM, the client here, a {@link Load}
 * running from setup to teardown, and the benchmark method waiting for the next batch of operations.
 *
 * <p>The suite starts one server JVM per server implementation for all benchmarks and passes its port
 * as {@code bench.server.<impl>}, which saves a JVM start per benchmark; run alone, a benchmark starts
 * its own.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class LoadBenchmark {

  private @Nullable ServerProcess server;
  private Driver driver;
  private Load load;
  private ServerControl control;
  private boolean measuring;
  private Usage clientAtStart;
  private Usage serverAtStart;
  private long opsAtStart;
  private Usage clientUsage = Usage.NONE;
  private Usage serverUsage = Usage.NONE;
  private long measuredOps;
  private final Map<String, Object> roundFields = new LinkedHashMap<>();

  /** How often {@link #round} samples throughput while it waits for it to be steady. */
  static final Duration STEADY_WINDOW = Duration.ofMillis(500);

  /** How many consecutive windows must agree for throughput to count as steady. */
  static final int STEADY_WINDOWS = 4;

  /** How far apart (max / min) the throughput of those windows may be. */
  static final double STEADY_SPREAD = 1.10;

  /**
   * The most time the JIT compilers of the client JVM, and those of the server JVM, may spend over those
   * windows, in milliseconds (2.5% of the windows' length): until then hot code is still being compiled,
   * and throughput that looks steady may be that of code not yet compiled.
   */
  static final long STEADY_COMPILE_MILLIS = 50;

  /** Returns the scenario's name in the results. */
  protected abstract String scenario();

  /** Returns the implementation's name in the results. */
  protected abstract String impl();

  /** Returns the server implementation to start; the implementation itself unless overridden. */
  protected String serverImpl() {
    return serverOf(impl());
  }

  /** Creates the client. */
  protected abstract Driver driver(int port);

  /** Creates the load. */
  protected abstract Load load(Driver driver);

  /**
   * Creates the load that warms the client up before JMH's warm-up iterations: by a number of
   * operations rather than by time, since a slow implementation would otherwise be measured before
   * its code is compiled, and with more in flight, so that it takes little time. The scenario's own
   * load by default.
   */
  protected Load warmUpLoad(Driver driver) {
    return load(driver);
  }

  /** Returns how many operations {@link #warmUpLoad} runs, within {@link #WARM_UP_LIMIT}. */
  protected abstract long warmUpOps();

  /** The longest warm-up before JMH's own. */
  static final Duration WARM_UP_LIMIT = Duration.ofSeconds(4);

  /** Returns the system property that names the port of a shared server. */
  public static String portProperty(String serverImpl) {
    // Its value is "port,controlPort".
    return "bench.server." + serverImpl;
  }

  /** Returns the server implementation that serves a client implementation. */
  public static String serverOf(String impl) {
    return impl.equals("micro-bytes") ? "micro" : impl;
  }

  @Setup(Level.Trial)
  public void setUpTrial() {
    String shared = System.getProperty(portProperty(serverImpl()));
    int port;
    int controlPort;
    if (shared != null) {
      port = Integer.parseInt(shared.substring(0, shared.indexOf(',')));
      controlPort = Integer.parseInt(shared.substring(shared.indexOf(',') + 1));
    } else {
      server = ServerProcess.start(serverImpl(), scenario());
      port = server.port();
      controlPort = server.controlPort();
    }
    control = new ServerControl(controlPort);
    driver = driver(port);
    Load warmUp = warmUpLoad(driver);
    warmUp.start();
    warmUp.await(warmUpOps(), WARM_UP_LIMIT.toNanos());
    warmUp.stop(Duration.ofSeconds(10));
    load = load(driver);
    load.start();
  }

  /**
   * Runs one round of the suite outside JMH's loop: sets up as a trial does (connects, warms up by a
   * number of operations), waits until the throughput of {@link #STEADY_WINDOWS} consecutive windows of
   * {@link #STEADY_WINDOW} lies within {@link #STEADY_SPREAD} of each other while neither JVM's JIT
   * compilers spent more than {@link #STEADY_COMPILE_MILLIS} over them (or {@code steadyLimit}
   * passes, which the outcome says), measures for {@code measure}, and writes the round's outcome, with
   * {@code ops_per_s}, {@code warm_up_s} and {@code steady}. A JVM that runs several rounds keeps its
   * compiled code from one to the next, as a real client does; each round opens its own connections.
   *
   * @param round the round's number, named in the outcome's file
   * @param measure how long to measure
   * @param steadyLimit the longest wait for steady throughput
   */
  public final void round(int round, Duration measure, Duration steadyLimit) {
    long warmUpStart = System.nanoTime();
    setUpTrial();
    try {
      boolean steady = awaitSteady(steadyLimit);
      roundFields.put("round", round);
      roundFields.put("warm_up_s", Math.round((System.nanoTime() - warmUpStart) / 1e8) / 10.0);
      roundFields.put("steady", steady);
      clientAtStart = Usage.sample();
      serverAtStart = control.usage();
      opsAtStart = load.completedOps();
      load.beginIteration(true);
      long start = System.nanoTime();
      long end = start + measure.toNanos();
      for (long now = start; now < end; now = System.nanoTime()) {
        LockSupport.parkNanos(end - now);
      }
      load.endIteration();
      long elapsed = System.nanoTime() - start;
      measuredOps = load.completedOps() - opsAtStart;
      clientUsage = Usage.sample().minus(clientAtStart);
      serverUsage = control.usage().minus(serverAtStart);
      roundFields.put("ops_per_s", Math.round(measuredOps * 1e9 / elapsed));
    } finally {
      tearDownTrial();
    }
  }

  private boolean awaitSteady(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    double[] rates = new double[STEADY_WINDOWS];
    long[] compiled = new long[STEADY_WINDOWS];
    int filled = 0;
    long lastOps = load.completedOps();
    long lastAt = System.nanoTime();
    long lastClientCompiled = Usage.sample().compileMillis();
    long lastServerCompiled = control.usage().compileMillis();
    while (System.nanoTime() < deadline) {
      LockSupport.parkNanos(STEADY_WINDOW.toNanos());
      long ops = load.completedOps();
      long at = System.nanoTime();
      long clientCompiled = Usage.sample().compileMillis();
      long serverCompiled = control.usage().compileMillis();
      rates[filled % STEADY_WINDOWS] = (ops - lastOps) * 1e9 / (at - lastAt);
      // The busier JVM's compilers decide.
      compiled[filled % STEADY_WINDOWS] = Math.max(clientCompiled - lastClientCompiled,
          serverCompiled - lastServerCompiled);
      filled++;
      lastOps = ops;
      lastAt = at;
      lastClientCompiled = clientCompiled;
      lastServerCompiled = serverCompiled;
      if (filled >= STEADY_WINDOWS) {
        double min = Double.MAX_VALUE;
        double max = 0;
        long compiling = 0;
        for (int i = 0; i < STEADY_WINDOWS; i++) {
          min = Math.min(min, rates[i]);
          max = Math.max(max, rates[i]);
          compiling += compiled[i];
        }
        roundFields.put("warm_up_compile_ms", compiling);
        if (min > 0 && max / min <= STEADY_SPREAD && compiling <= STEADY_COMPILE_MILLIS) {
          return true;
        }
      }
    }
    return false;
  }

  @Setup(Level.Iteration)
  public void setUpIteration(IterationParams params) {
    measuring = params.getType() == IterationType.MEASUREMENT;
    if (measuring) {
      clientAtStart = Usage.sample();
      serverAtStart = control.usage();
      opsAtStart = load.completedOps();
    }
    load.beginIteration(measuring);
  }

  @TearDown(Level.Iteration)
  public void tearDownIteration() {
    load.endIteration();
    if (measuring) {
      measuredOps += load.completedOps() - opsAtStart;
      clientUsage = clientUsage.plus(Usage.sample().minus(clientAtStart));
      serverUsage = serverUsage.plus(control.usage().minus(serverAtStart));
    }
  }

  @TearDown(Level.Trial)
  public void tearDownTrial() {
    try {
      load.stop(Duration.ofSeconds(10));
      Outcome outcome = new Outcome(scenario(), impl()).latencies(load.histogram())
          .errors(load.errors(), load.firstError());
      roundFields.forEach(outcome::put);
      if (measuredOps > 0) {
        outcome.put("client_cpu_us_per_op", perOp(clientUsage.cpuNanos() / 1000.0))
            .put("server_cpu_us_per_op", perOp(serverUsage.cpuNanos() / 1000.0))
            .put("client_alloc_bytes_per_op", Math.round(clientUsage.allocatedBytes() / (double) measuredOps))
            .put("server_alloc_bytes_per_op", Math.round(serverUsage.allocatedBytes() / (double) measuredOps));
      }
      outcome.write();
    } finally {
      try {
        control.close();
        driver.close();
      } finally {
        if (server != null) {
          server.close();
        }
      }
    }
  }

  private double perOp(double total) {
    return Math.round(total / measuredOps * 100) / 100.0;
  }

  /** Waits for {@code count} more operations. */
  protected final void await(int count) {
    load.await(count);
  }
}
