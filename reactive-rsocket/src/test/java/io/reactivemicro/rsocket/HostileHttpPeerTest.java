package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.Hostile.assertHonestCallsAnswered;
import static io.reactivemicro.rsocket.Hostile.httpPost;
import static io.reactivemicro.rsocket.Hostile.readHttpResponse;
import static io.reactivemicro.rsocket.Hostile.readUntilClosed;
import static io.reactivemicro.rsocket.Hostile.usedHeapAfterGc;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.Service;
import io.reactivemicro.client.Client;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.server.Handler;
import io.reactivemicro.test.Await;
import io.reactivemicro.transport.TransportOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * One test per attack on the HTTP side of the port: peers that stall inside a request, keep a connection
 * idle, or pipeline requests and never read the answers. An honest client on connections of its own must
 * keep being answered, over RSocket and HTTP.
 */
class HostileHttpPeerTest {

  private static final String SERVICE = "hostile-http";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final long HEAP_SLACK = 48L * 1024 * 1024;

  /** Endpoints, named {@code H.*}. */
  @Handler("H")
  public static final class Endpoints {

    /** {@code H.Greeting}. */
    public Mono<String> greeting(String name) {
      return Mono.just("Hello " + name);
    }

    /** {@code H.Text}: an answer of 256 bytes. */
    public Mono<String> text(String name) {
      return Mono.just("x".repeat(256));
    }
  }

  private final Registry registry = Registry.memory();
  private Service service;
  private Client client;
  private String host;
  private int port;

  private void start(TransportOptions options) {
    service = Service.builder(SERVICE).address("127.0.0.1:0").registry(registry).handler(new Endpoints())
        .transportOptions(options).drainTimeout(Duration.ofMillis(200)).build();
    service.start().block(TIMEOUT);
    String address = service.address();
    host = address.substring(0, address.lastIndexOf(':'));
    port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    client = Client.builder().registry(registry).build();
    assertHonestCallsAnswered(client, SERVICE, host, port, TIMEOUT);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close().block(Duration.ofSeconds(10));
    }
    if (service != null) {
      service.stop().block(TIMEOUT);
    }
  }

  @Test
  void eightHundredPeersThatStallInsideTheirRequestHeadAreAnswered408AndClosed() throws Exception {
    start(TransportOptions.defaults().withRequestReadTimeout(Duration.ofSeconds(1)));
    long before = usedHeapAfterGc();
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 800; i++) {
        Socket socket = Hostile.connect(host, port, TIMEOUT);
        socket.getOutputStream().write("POST / HTTP/1.1\r\nHost: x\r\nMicro-Endpoint: H.Gree".getBytes(UTF_8));
        socket.getOutputStream().flush();
        stalled.add(socket);
      }
      assertHonestCallsAnswered(client, SERVICE, host, port, TIMEOUT);

      int answered408 = 0;
      for (Socket socket : stalled) {
        String received = new String(readUntilClosed(socket), UTF_8);
        if (received.startsWith("HTTP/1.1 408 ")) {
          answered408++;
          assertThat(MicroException.parse(received.substring(received.indexOf("\r\n\r\n") + 4)).code()).isEqualTo(408);
        }
      }
      // Every one is closed; each is answered unless the server found it closed first.
      assertThat(answered408).isGreaterThan(700);
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
    assertHonestCallsAnswered(client, SERVICE, host, port, TIMEOUT);
    assertThat(usedHeapAfterGc() - before).as("heap left behind").isLessThan(HEAP_SLACK);
  }

  @Test
  void aBodyThatStopsArrivingIsAnswered408AndItsConnectionClosed() throws Exception {
    start(TransportOptions.defaults().withRequestReadTimeout(Duration.ofMillis(500)));
    try (Hostile.LogCapture log = new Hostile.LogCapture("io.reactivemicro");
        Socket slow = Hostile.connect(host, port, TIMEOUT)) {
      slow.getOutputStream().write(("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Micro-Endpoint: H.Greeting\r\nContent-Length: 100\r\n\r\n\"only part of").getBytes(UTF_8));
      slow.getOutputStream().flush();

      String received = new String(readUntilClosed(slow), UTF_8);

      assertThat(received).startsWith("HTTP/1.1 408 ").contains("connection: close");
      MicroException error = MicroException.parse(received.substring(received.indexOf("\r\n\r\n") + 4));
      assertThat(error.detail()).isEqualTo("the request did not arrive within 500 ms");
      // Closing a connection with a request half read is the server's doing, not worth a stack trace.
      assertThat(log.withStackTraces()).isEmpty();
    }
    assertHonestCallsAnswered(client, SERVICE, host, port, TIMEOUT);
  }

  @Test
  void aKeptAliveConnectionWithNoRequestIsClosedAfterTheIdleTimeout() throws Exception {
    start(TransportOptions.defaults().withIdleTimeout(Duration.ofMillis(700)));
    try (Socket idle = Hostile.connect(host, port, TIMEOUT)) {
      idle.getOutputStream().write(httpPost("H.Greeting", "\"once\""));
      idle.getOutputStream().flush();
      assertThat(readHttpResponse(idle.getInputStream())).startsWith("HTTP/1.1 200 ");

      long start = System.nanoTime();
      assertThat(readUntilClosed(idle)).isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }
  }

  @Test
  void pipelinedRequestsWhoseAnswersAreNeverReadWaitInThePeersSocketNotInTheServer() throws Exception {
    start(TransportOptions.defaults().withWriteTimeout(Duration.ofSeconds(2)));
    long before = usedHeapAfterGc();
    int sent = 0;
    try (SocketChannel attacker = SocketChannel.open()) {
      attacker.socket().setReceiveBufferSize(4096);
      attacker.connect(new InetSocketAddress(host, port));
      attacker.configureBlocking(false);
      byte[] request = httpPost("H.Text", "\"attacker\"");
      ByteBuffer pending = ByteBuffer.allocate(0);
      long lastProgress = System.nanoTime();
      while (sent < 100_000 && System.nanoTime() - lastProgress < Duration.ofSeconds(1).toNanos()) {
        if (!pending.hasRemaining()) {
          ByteBuffer batch = ByteBuffer.allocate(request.length * 100);
          for (int i = 0; i < 100; i++, sent++) {
            batch.put(request);
          }
          pending = batch.flip();
        }
        if (attacker.write(pending) > 0) {
          lastProgress = System.nanoTime();
        } else {
          Thread.sleep(5);
        }
      }
      assertThat(sent).as("pipelined requests sent before the server stopped reading").isLessThan(100_000);
      assertThat(usedHeapAfterGc() - before).as("heap held for %d pipelined requests", sent).isLessThan(HEAP_SLACK);
      assertHonestCallsAnswered(client, SERVICE, host, port, TIMEOUT);

      attacker.configureBlocking(true);
      // Not reading for longer than the write timeout, 2 s, is what gets the connection closed; reading now
      // would let the server write again.
      Mono.delay(Duration.ofMillis(3000)).block();
      Socket socket = attacker.socket();
      socket.setSoTimeout((int) TIMEOUT.toMillis());
      readUntilClosed(socket, Duration.ofSeconds(5));
    }
    assertHonestCallsAnswered(client, SERVICE, host, port, TIMEOUT);
    assertThat(usedHeapAfterGc() - before).as("heap left behind").isLessThan(HEAP_SLACK);
  }

  @Test
  void moreThanTheMaximumOfConnectionsAreClosedAtOnceAndSaidSoInTheLog() throws Exception {
    start(TransportOptions.defaults().withMaxConnections(4));
    // The honest client holds one RSocket connection already.
    List<Socket> held = new ArrayList<>();
    try (Hostile.LogCapture log = new Hostile.LogCapture("io.reactivemicro")) {
      for (int i = 0; i < 3; i++) {
        // The server may not have counted out the honest client's HTTP connection yet.
        Await.until("connection " + held.size() + " is served", TIMEOUT, () -> {
          try {
            Socket socket = Hostile.connect(host, port, TIMEOUT);
            socket.getOutputStream().write(httpPost("H.Greeting", "\"held\""));
            if (readHttpResponse(socket.getInputStream()).startsWith("HTTP/1.1 200 ")) {
              held.add(socket);
              return true;
            }
            socket.close();
            return false;
          } catch (IOException closed) {
            return false;
          }
        });
      }
      try (Socket refused = Hostile.connect(host, port, TIMEOUT)) {
        assertThat(readUntilClosed(refused)).isEmpty();
      }
      assertThat(log.warnings()).anySatisfy(warning ->
          assertThat(warning.getMessage()).contains("maximum (TransportOptions.maxConnections)"));

      held.remove(0).close();
      Await.until("a new connection is served once one closed", TIMEOUT, () -> {
        try (Socket again = Hostile.connect(host, port, TIMEOUT)) {
          again.getOutputStream().write(httpPost("H.Greeting", "\"again\""));
          return readHttpResponse(again.getInputStream()).startsWith("HTTP/1.1 200 ");
        } catch (IOException closed) {
          return false;
        }
      });
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  @Test
  void theDefaultsCutOffAStalledRequestWithinThirtySeconds() {
    TransportOptions defaults = TransportOptions.defaults();
    assertThat(defaults.requestReadTimeout()).isLessThanOrEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.idleTimeout()).isLessThanOrEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.writeTimeout()).isLessThanOrEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.protocolDetectTimeout()).isLessThanOrEqualTo(Duration.ofSeconds(30));
  }
}
