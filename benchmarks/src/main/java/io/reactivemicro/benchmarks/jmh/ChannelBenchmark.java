package io.reactivemicro.benchmarks.jmh;

import io.reactivemicro.benchmarks.client.Driver;
import io.reactivemicro.benchmarks.client.Drivers;
import io.reactivemicro.benchmarks.load.ChannelLoad;
import io.reactivemicro.benchmarks.load.Load;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;

/** {@code channel}: echo channels with 512 requests in flight; operations are echoed messages. */
public class ChannelBenchmark extends LoadBenchmark {

  static final int BATCH = 10_000;

  @Param({"micro", "micro-bytes", "rsocket", "grpc", "micro-proto", "grpc-proto", "spring-rsocket"})
  public String impl;

  @Override
  protected String scenario() {
    return "channel";
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
    return new ChannelLoad(driver);
  }

  @Override
  protected long warmUpOps() {
    return 100_000;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void echoes() {
    await(BATCH);
  }
}
