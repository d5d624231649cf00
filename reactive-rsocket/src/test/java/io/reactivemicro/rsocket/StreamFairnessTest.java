package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.Hostile.readFrameUntil;
import static io.reactivemicro.rsocket.Hostile.requestResponse;
import static io.reactivemicro.rsocket.Hostile.requestStream;
import static io.reactivemicro.rsocket.Hostile.setup;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.Service;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.server.Handler;
import io.reactivemicro.test.Await;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A handler whose {@code Flux} emits synchronously and without end, asked for everything by a caller that
 * reads as fast as it can, must not hold its event loop: the other connections on the loop are answered
 * promptly, and the caller's cancel reaches the handler.
 */
class StreamFairnessTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  /** Enough connections that some share the endless stream's event loop, whatever the loop count. */
  private static final int HONEST_CONNECTIONS = 8;
  private static final int CALLS_EACH = 20;

  /** Endpoints, named {@code F.*}. */
  @Handler("F")
  public static final class Endpoints {
    final AtomicBoolean endlessCancelled = new AtomicBoolean();
    final AtomicLong endlessEmitted = new AtomicLong();

    /** {@code F.Greeting}. */
    public Mono<String> greeting(String name) {
      return Mono.just("Hello " + name);
    }

    /** {@code F.Endless}: numbers, synchronously and without end. */
    public Flux<Integer> endless(String ignored) {
      return Flux.range(0, Integer.MAX_VALUE)
          .doOnNext(i -> endlessEmitted.incrementAndGet())
          .doOnCancel(() -> endlessCancelled.set(true));
    }
  }

  private static final Endpoints endpoints = new Endpoints();
  private static Service service;
  private static String host;
  private static int port;

  @BeforeAll
  static void start() {
    service = Service.builder("fairness").address("127.0.0.1:0").registry(Registry.memory()).handler(endpoints)
        .drainTimeout(Duration.ofMillis(200)).build();
    service.start().block(TIMEOUT);
    String address = service.address();
    host = address.substring(0, address.lastIndexOf(':'));
    port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  @AfterAll
  static void stop() {
    service.stop().block(TIMEOUT);
  }

  @Test
  void anEndlessSynchronousStreamLeavesItsLoopToOtherConnectionsAndHonoursItsCancel() throws Exception {
    List<Socket> honest = new ArrayList<>();
    try (Socket greedy = Hostile.connect(host, port, TIMEOUT)) {
      for (int i = 0; i < HONEST_CONNECTIONS; i++) {
        Socket socket = Hostile.connect(host, port, TIMEOUT);
        socket.getOutputStream().write(setup());
        honest.add(socket);
      }
      // The greedy caller asks for everything and reads it all, so the stream never waits for writability.
      OutputStream greedyOut = greedy.getOutputStream();
      greedyOut.write(setup());
      greedyOut.write(requestStream(1, "F.Endless", "\"x\"", Integer.MAX_VALUE));
      greedyOut.flush();
      Thread reader = new Thread(() -> drain(greedy), "greedy-reader");
      reader.setDaemon(true);
      reader.start();
      Await.until("the endless stream runs", TIMEOUT, () -> endpoints.endlessEmitted.get() > 10_000);

      List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
      List<Thread> callers = new ArrayList<>();
      for (Socket socket : honest) {
        Thread caller = new Thread(() -> call(socket, latencies), "honest-caller");
        callers.add(caller);
        caller.start();
      }
      for (Thread caller : callers) {
        caller.join(TIMEOUT.toMillis() * 2);
      }
      assertThat(latencies).as("calls answered").hasSize(HONEST_CONNECTIONS * CALLS_EACH);
      List<Long> sorted = new ArrayList<>(latencies);
      Collections.sort(sorted);
      long median = sorted.get(sorted.size() / 2);
      long p90 = sorted.get(sorted.size() * 9 / 10);
      System.out.printf("latency beside the endless stream: median %d us, p90 %d us, max %d us%n", median / 1000,
          p90 / 1000, sorted.get(sorted.size() - 1) / 1000);
      assertThat(Duration.ofNanos(median)).as("median latency beside the endless stream").isLessThan(Duration.ofMillis(100));
      assertThat(Duration.ofNanos(p90)).as("90th percentile latency beside the endless stream")
          .isLessThan(Duration.ofMillis(100));
      assertThat(Duration.ofNanos(sorted.get(sorted.size() - 1))).as("slowest call").isLessThan(Duration.ofSeconds(2));

      greedyOut.write(Hostile.cancel(1));
      greedyOut.flush();
      Await.until("the handler sees the cancel", TIMEOUT, endpoints.endlessCancelled::get);
    } finally {
      for (Socket socket : honest) {
        socket.close();
      }
    }
  }

  private static void call(Socket socket, List<Long> latencies) {
    try {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      for (int i = 0; i < CALLS_EACH; i++) {
        int streamId = 2 * i + 1;
        long start = System.nanoTime();
        out.write(requestResponse(streamId, "F.Greeting", "\"n" + i + "\""));
        out.flush();
        Hostile.Frame answer = readFrameUntil(in, f -> f.streamId() == streamId);
        latencies.add(System.nanoTime() - start);
        assertThat(new String(answer.body(), UTF_8)).isEqualTo("\"Hello n" + i + "\"");
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void drain(Socket socket) {
    byte[] chunk = new byte[64 * 1024];
    try {
      InputStream in = socket.getInputStream();
      while (in.read(chunk) >= 0) {
        // Read as fast as it comes.
      }
    } catch (Exception closed) {
      // The test is over.
    }
  }
}
