package io.reactivemicro.benchmarks.soak;

import io.netty.util.internal.PlatformDependent;
import io.reactivemicro.Service;
import io.reactivemicro.benchmarks.server.BenchServer;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.server.Endpoint;
import io.reactivemicro.server.Handler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One node of the soak run: a service on the embedded defaults (every limit as a user gets it), in a JVM
 * of its own so that its heap is its own. It prints {@code ready <port>}, then answers commands on its
 * standard input: {@code stats} prints {@code stats <heap after GC> <direct memory in use>}, {@code stop}
 * stops the service gracefully and exits.
 */
public final class SoakNode {

  /** 256 bytes: an answer too small for 128 of them to fill a connection's outbound buffer. */
  static final String TEXT = "t".repeat(256);

  private SoakNode() {}

  /** The soak's endpoints, named {@code Soak.*}. */
  @Handler("Soak")
  public static final class Endpoints {

    /** Creates the endpoints. */
    public Endpoints() {}

    /** {@code Soak.Greeting}: what honest callers call; idempotent, so retried on another node. */
    @Endpoint(idempotent = true)
    public Mono<String> greeting(String name) {
      return Mono.just("Hello " + name);
    }

    /** {@code Soak.Count}: {@code n} numbers. */
    public Flux<Integer> count(int n) {
      return Flux.range(0, n);
    }

    /** {@code Soak.Echo}: a channel that answers each message. */
    public Flux<String> echo(Flux<String> messages) {
      return messages;
    }

    /** {@code Soak.Text}: 256 bytes, for peers that never read their answers. */
    public Mono<String> text(String ignored) {
      return Mono.just(TEXT);
    }

    /** {@code Soak.Endless}: 256 bytes at a time, synchronously and without end. */
    public Flux<String> endless(String ignored) {
      return Flux.range(0, Integer.MAX_VALUE).map(i -> TEXT);
    }
  }

  /**
   * Runs a node.
   *
   * @param args the port to listen on
   * @throws IOException when standard input fails
   */
  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    Service service = Service.builder("soak")
        .address("127.0.0.1:" + port)
        .registry(Registry.memory())
        .handler(new Endpoints())
        .build();
    service.start().block(Duration.ofSeconds(30));
    System.out.println("ready " + port);
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      switch (line.trim()) {
        case "stats" -> System.out.println("stats " + BenchServer.heapAfterGc() + " " + directMemoryUsed());
        case "stop" -> {
          service.stop().block(Duration.ofSeconds(30));
          System.out.println("stopped");
          System.out.flush();
          System.exit(0);
        }
        default -> System.out.println("unknown " + line);
      }
      System.out.flush();
    }
    service.stop().block(Duration.ofSeconds(30));
  }

  /** Returns the direct memory in use: Netty's own count when it keeps one, else the JVM's. */
  private static long directMemoryUsed() {
    long netty = PlatformDependent.usedDirectMemory();
    if (netty >= 0) {
      return netty;
    }
    long used = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        used += pool.getMemoryUsed();
      }
    }
    return used;
  }
}
