package io.reactivemicro.benchmarks.jmh;

import io.reactivemicro.benchmarks.client.Driver;
import io.reactivemicro.benchmarks.load.Load;
import io.reactivemicro.benchmarks.load.Outcome;
import io.reactivemicro.benchmarks.server.ServerControl;
import io.reactivemicro.benchmarks.server.ServerProcess;
import io.reactivemicro.benchmarks.server.Usage;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
  private Usage clientUsage = new Usage(0, 0);
  private Usage serverUsage = new Usage(0, 0);
  private long measuredOps;

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
