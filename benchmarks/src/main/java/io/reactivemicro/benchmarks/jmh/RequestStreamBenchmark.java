package io.reactivemicro.benchmarks.jmh;

import io.reactivemicro.benchmarks.client.Driver;
import io.reactivemicro.benchmarks.client.Drivers;
import io.reactivemicro.benchmarks.load.Load;
import io.reactivemicro.benchmarks.load.StreamLoad;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;

/** {@code request-stream}: streams of a million messages, one after another; operations are messages. */
public class RequestStreamBenchmark extends LoadBenchmark {

  static final int BATCH = 10_000;

  @Param({"micro", "micro-bytes", "rsocket", "grpc", "micro-proto", "grpc-proto", "spring-rsocket"})
  public String impl;

  @Override
  protected String scenario() {
    return "request-stream";
  }

  @Override
  protected String impl() {
    return impl;
  }

  @Override
  protected Driver driver(int port) {
    return Drivers.create(impl, port, scenario(), 1);
  }

  @Override
  protected Load load(Driver driver) {
    return new StreamLoad(driver);
  }

  @Override
  protected long warmUpOps() {
    return 300_000;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void messages() {
    await(BATCH);
  }
}
