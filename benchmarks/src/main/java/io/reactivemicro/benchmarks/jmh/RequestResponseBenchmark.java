package io.reactivemicro.benchmarks.jmh;

import io.reactivemicro.benchmarks.client.Driver;
import io.reactivemicro.benchmarks.client.Drivers;
import io.reactivemicro.benchmarks.load.CallLoad;
import io.reactivemicro.benchmarks.load.Load;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;

/** {@code request-response-c1}, {@code -c64}, {@code -c256}: echo calls with that many in flight on one connection. */
public class RequestResponseBenchmark extends LoadBenchmark {

  static final int BATCH = 1_000;

  @Param({"micro", "micro-bytes", "rsocket", "grpc", "reactor-netty-http", "micro-proto", "grpc-proto",
      "spring-rsocket"})
  public String impl;

  @Param({"1", "64", "256"})
  public int concurrency;

  @Override
  protected String scenario() {
    return "request-response-c" + concurrency;
  }

  @Override
  protected String impl() {
    return impl;
  }

  @Override
  protected Driver driver(int port) {
    return Drivers.create(impl, port, scenario(), concurrency);
  }

  @Override
  protected Load load(Driver driver) {
    return new CallLoad(driver, concurrency);
  }

  @Override
  protected Load warmUpLoad(Driver driver) {
    return new CallLoad(driver, Math.max(concurrency, 64));
  }

  @Override
  protected long warmUpOps() {
    return 30_000;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void calls() {
    await(BATCH);
  }
}
