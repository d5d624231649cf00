package io.reactivemicro.benchmarks.jmh;

import io.reactivemicro.benchmarks.client.Driver;
import io.reactivemicro.benchmarks.client.HttpDriver;
import io.reactivemicro.benchmarks.load.CallLoad;
import io.reactivemicro.benchmarks.load.Load;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;

/**
 * {@code http-post}, the curl path: the same Reactor Netty HTTP/1.1 client posts JSON to our server's
 * HTTP endpoint and to a plain Reactor Netty server, 16 calls in flight on 16 keep-alive connections.
 */
public class HttpPostBenchmark extends LoadBenchmark {

  static final int BATCH = 1_000;
  static final int CONNECTIONS = 16;

  @Param({"micro", "reactor-netty-http"})
  public String impl;

  @Override
  protected String scenario() {
    return "http-post";
  }

  @Override
  protected String impl() {
    return impl;
  }

  @Override
  protected Driver driver(int port) {
    return new HttpDriver(port, CONNECTIONS);
  }

  @Override
  protected Load load(Driver driver) {
    return new CallLoad(driver, CONNECTIONS);
  }

  @Override
  protected long warmUpOps() {
    return 20_000;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void posts() {
    await(BATCH);
  }
}
