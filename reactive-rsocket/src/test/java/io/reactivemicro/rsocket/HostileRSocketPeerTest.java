package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.Hostile.APPLICATION_ERROR;
import static io.reactivemicro.rsocket.Hostile.CONNECTION_CLOSE;
import static io.reactivemicro.rsocket.Hostile.CONNECTION_ERROR;
import static io.reactivemicro.rsocket.Hostile.ERROR;
import static io.reactivemicro.rsocket.Hostile.FLAG_COMPLETE;
import static io.reactivemicro.rsocket.Hostile.FLAG_FOLLOWS;
import static io.reactivemicro.rsocket.Hostile.FLAG_METADATA;
import static io.reactivemicro.rsocket.Hostile.FLAG_NEXT;
import static io.reactivemicro.rsocket.Hostile.PAYLOAD;
import static io.reactivemicro.rsocket.Hostile.REJECTED;
import static io.reactivemicro.rsocket.Hostile.REQUEST_RESPONSE;
import static io.reactivemicro.rsocket.Hostile.REQUEST_STREAM;
import static io.reactivemicro.rsocket.Hostile.assertHonestCallsAnswered;
import static io.reactivemicro.rsocket.Hostile.frame;
import static io.reactivemicro.rsocket.Hostile.readFrame;
import static io.reactivemicro.rsocket.Hostile.readFrameUntil;
import static io.reactivemicro.rsocket.Hostile.readUntilClosed;
import static io.reactivemicro.rsocket.Hostile.requestResponse;
import static io.reactivemicro.rsocket.Hostile.requestStream;
import static io.reactivemicro.rsocket.Hostile.routed;
import static io.reactivemicro.rsocket.Hostile.setup;
import static io.reactivemicro.rsocket.Hostile.usedHeapAfterGc;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.reactivemicro.Service;
import io.reactivemicro.client.Client;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.server.Handler;
import io.reactivemicro.test.Await;
import io.reactivemicro.transport.TransportOptions;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * One test per attack on the RSocket side of the port, each made on raw sockets while an honest client
 * on connections of its own must keep being answered, over RSocket and HTTP. Buffers that leak fail the
 * class (reactive-test's {@code LeakDetectionExtension}).
 */
class HostileRSocketPeerTest {

  private static final String SERVICE = "hostile";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** Heap an attack may leave behind, or hold while it lasts: a small fraction of what it costs unbounded. */
  private static final long HEAP_SLACK = 48L * 1024 * 1024;

  /** Endpoints, named {@code H.*}. */
  @Handler("H")
  public static final class Endpoints {
    final AtomicInteger hangsCancelled = new AtomicInteger();

    /** {@code H.Greeting}. */
    public Mono<String> greeting(String name) {
      return Mono.just("Hello " + name);
    }

    /** {@code H.Text}: an answer of 256 bytes, too small for 128 of them to fill Netty's outbound buffer. */
    public Mono<String> text(String name) {
      return Mono.just("x".repeat(256));
    }

    /** {@code H.Large}: an answer of 64 KiB. */
    public Mono<String> large(String name) {
      return Mono.just("L".repeat(64 * 1024));
    }

    /** {@code H.Hang}: never answers. */
    public Mono<String> hang(String name) {
      return Mono.<String>never().doOnCancel(hangsCancelled::incrementAndGet);
    }

    /** {@code H.Count}: {@code n} numbers. */
    public Flux<Integer> count(int n) {
      return Flux.range(0, n);
    }

    /** {@code H.Endless}: numbers, emitted synchronously and without end. */
    public Flux<Integer> endless(String ignored) {
      return Flux.range(0, Integer.MAX_VALUE);
    }

    /**
     * {@code H.EndlessText}: strings of 256 bytes, emitted synchronously and without end. A frame this
     * small never fills Netty's outbound buffer: Reactor Netty takes at most 128 frames into it at a time.
     */
    public Flux<String> endlessText(String ignored) {
      String text = "y".repeat(256);
      return Flux.range(0, Integer.MAX_VALUE).map(i -> text);
    }
  }

  private final Registry registry = Registry.memory();
  private final Endpoints endpoints = new Endpoints();
  private Service service;
  private Client client;
  private String host;
  private int port;

  private void start(TransportOptions options) {
    service = Service.builder(SERVICE).address("127.0.0.1:0").registry(registry).handler(endpoints)
        .transportOptions(options).drainTimeout(Duration.ofMillis(200)).build();
    service.start().block(TIMEOUT);
    String address = service.address();
    host = address.substring(0, address.lastIndexOf(':'));
    port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    client = Client.builder().registry(registry).build();
    // Warmed up, so that what is measured below is the attack and not the first call's class loading.
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
  void aPeerThatSendsRequestsAndNeverReadsTheAnswersIsNoLongerReadAndHoldsNoMemory() throws Exception {
    sendRequestsAndNeverRead("H.Text");
  }

  @Test
  void aPeerThatSendsSmallRequestsForLargeAnswersAndNeverReadsThemHoldsNoMemory() throws Exception {
    // One read brings thousands of these; made calls at once, their answers would take hundreds of MiB.
    sendRequestsAndNeverRead("H.Large");
  }

  private void sendRequestsAndNeverRead(String route) throws Exception {
    start(TransportOptions.defaults());
    long before = usedHeapAfterGc();
    long directBefore = Hostile.directMemory();

    int sent = 0;
    try (SocketChannel attacker = SocketChannel.open()) {
      // A small receive window, so that the server finds out soon that nothing is read.
      attacker.socket().setReceiveBufferSize(4096);
      attacker.connect(new InetSocketAddress(host, port));
      attacker.configureBlocking(false);
      writeFully(attacker, setup());
      long lastProgress = System.nanoTime();
      ByteBuffer pending = ByteBuffer.allocate(0);
      // 100,000 requests, or as many as the server takes before it stops reading.
      while (sent < 100_000 && System.nanoTime() - lastProgress < Duration.ofSeconds(1).toNanos()) {
        if (!pending.hasRemaining()) {
          List<byte[]> batch = new ArrayList<>();
          for (int i = 0; i < 100; i++, sent++) {
            batch.add(requestResponse(2 * sent + 1, route, "\"attacker\""));
          }
          pending = ByteBuffer.wrap(Hostile.concat(batch));
        }
        if (attacker.write(pending) > 0) {
          lastProgress = System.nanoTime();
        } else {
          Thread.sleep(5);
        }
      }
      long during = usedHeapAfterGc();
      long directDuring = Hostile.directMemory();
      System.out.printf("%s: %d requests sent, heap %+d KiB, direct %+d KiB%n", route, sent,
          (during - before) / 1024, (directDuring - directBefore) / 1024);
      assertHonestCallsAnswered(client, SERVICE, host, port, TIMEOUT);
      assertThat(during - before).as("heap held while %d requests went unanswered", sent).isLessThan(HEAP_SLACK);
      // Answers are encoded into direct buffers: they count as much as the heap.
      assertThat(directDuring - directBefore).as("direct memory held while %d requests went unanswered", sent)
          .isLessThan(HEAP_SLACK);
    }
    assertHonestCallsAnswered(client, SERVICE, host, port, TIMEOUT);
    assertThat(usedHeapAfterGc() - before).as("heap left behind").isLessThan(HEAP_SLACK);
  }

  @Test
  void requestsBeyondTheCallsInFlightOfAConnectionAreRejectedWith429() throws Exception {
    start(TransportOptions.defaults().withMaxCallsPerConnection(8));

    try (Socket attacker = Hostile.connect(host, port, TIMEOUT)) {
      OutputStream out = attacker.getOutputStream();
      out.write(setup());
      for (int i = 0; i < 8; i++) {
        out.write(requestResponse(2 * i + 1, "H.Hang", "\"x\""));
      }
      out.write(requestResponse(17, "H.Greeting", "\"one too many\""));
      out.flush();

      Hostile.Frame refused = readFrameUntil(attacker.getInputStream(), f -> f.streamId() == 17);
      assertThat(refused.type()).isEqualTo(ERROR);
      assertThat(refused.errorCode()).isEqualTo(REJECTED);
      MicroException error = MicroException.parse(refused.errorData());
      assertThat(error.code()).isEqualTo(429);
      assertThat(error.detail()).contains("more than 8 calls in flight");

      // Once one call ends, the connection takes a call again.
      out.write(Hostile.cancel(1));
      out.write(requestResponse(19, "H.Greeting", "\"next\""));
      out.flush();
      Hostile.Frame answered = readFrameUntil(attacker.getInputStream(), f -> f.streamId() == 19);
      assertThat(answered.type()).isEqualTo(PAYLOAD);
      assertThat(new String(answered.body(), UTF_8)).isEqualTo("\"Hello next\"");
      assertHonestCallsAnswered(client, SERVICE, host, port, TIMEOUT);
    }
  }

  @Test
  void malformedFramesCloseTheirConnectionWithAConnectionErrorAndOneWarningWithoutAStackTrace() throws Exception {
    start(TransportOptions.defaults());
    long before = usedHeapAfterGc();
    Random random = new Random(7);
    int connections = 200;
    try (Hostile.LogCapture log = new Hostile.LogCapture("io.rsocket", "reactor", "io.reactivemicro", "io.netty")) {
      for (int c = 0; c < connections; c++) {
        try (Socket attacker = Hostile.connect(host, port, TIMEOUT)) {
          OutputStream out = attacker.getOutputStream();
          ByteArrayOutputStream frames = new ByteArrayOutputStream();
          frames.writeBytes(setup());
          for (int f = 0; f < 1 + random.nextInt(20); f++) {
            frames.writeBytes(randomFrame(random));
          }
          out.write(frames.toByteArray());
          out.flush();
          if (random.nextBoolean()) {
            attacker.setSoLinger(true, 0);
          }
        } catch (java.net.SocketException closedByTheServer) {
          // The server may close before everything is written.
        }
      }
      assertHonestCallsAnswered(client, SERVICE, host, port, TIMEOUT);

      assertThat(log.withStackTraces()).as("log records with a stack trace").isEmpty();
      assertThat(log.warnings()).as("warnings").hasSizeLessThanOrEqualTo(connections)
          .allSatisfy(warning -> assertThat(warning.getMessage()).contains("closing connection from"));
    }
    assertThat(usedHeapAfterGc() - before).as("heap left behind").isLessThan(HEAP_SLACK);
  }

  @Test
  void aPayloadFrameWithoutNextOrCompleteIsAProtocolErrorThatLeaksNothing() throws Exception {
    start(TransportOptions.defaults());
    long before = usedHeapAfterGc();
    try (Socket attacker = Hostile.connect(host, port, TIMEOUT)) {
      OutputStream out = attacker.getOutputStream();
      out.write(setup());
      out.write(frame(1, Hostile.REQUEST_CHANNEL, FLAG_METADATA | FLAG_FOLLOWS,
          withRequestN(routed("H.Greeting", "\"x"))));
      // The frame that made rsocket-java throw where nothing caught it, and its buffer be released twice.
      out.write(frame(1, PAYLOAD, 0, "\"}".getBytes(UTF_8)));
      out.flush();

      Hostile.Frame closing = readFrameUntil(attacker.getInputStream(), f -> f.streamId() == 0 && f.type() == ERROR);
      assertThat(closing.errorCode()).isEqualTo(CONNECTION_ERROR);
      assertThat(closing.errorData()).contains("neither the NEXT nor the COMPLETE flag");
      readUntilClosed(attacker);
    }
    assertHonestCallsAnswered(client, SERVICE, host, port, TIMEOUT);
    assertThat(usedHeapAfterGc() - before).as("heap left behind").isLessThan(HEAP_SLACK);
  }

  @Test
  void aRequestNForARequestStillArrivingIsHeldUntilTheRequestIsWhole() throws Exception {
    start(TransportOptions.defaults());
    try (Socket caller = Hostile.connect(host, port, TIMEOUT)) {
      OutputStream out = caller.getOutputStream();
      out.write(setup());
      ByteArrayOutputStream first = new ByteArrayOutputStream();
      Hostile.writeInt(first, 1);
      // The request, 5, in two fragments of at least 64 bytes each as rsocket-java wants them.
      first.writeBytes(routed("H.Count", " ".repeat(70)));
      out.write(frame(1, REQUEST_STREAM, FLAG_METADATA | FLAG_FOLLOWS, first.toByteArray()));
      out.write(Hostile.requestN(1, 4));
      out.write(frame(1, PAYLOAD, FLAG_NEXT, (" ".repeat(70) + "5").getBytes(UTF_8)));
      out.flush();

      InputStream in = caller.getInputStream();
      List<String> received = new ArrayList<>();
      for (Hostile.Frame f = readFrame(in); f != null; f = readFrame(in)) {
        if (f.streamId() == 1 && (f.flags() & FLAG_NEXT) != 0) {
          received.add(new String(f.body(), UTF_8));
        }
        if (f.streamId() == 1 && ((f.flags() & FLAG_COMPLETE) != 0 || f.type() == ERROR)) {
          break;
        }
      }
      assertThat(received).containsExactly("0", "1", "2", "3", "4");
    }
    assertHonestCallsAnswered(client, SERVICE, host, port, TIMEOUT);
  }

  @Test
  void fragmentedRequestsBeyondTheReassemblyBudgetOfAConnectionAreRefusedWith413() throws Exception {
    int budget = 64 * 1024;
    start(TransportOptions.defaults().withMaxInboundPayloadSize(budget));
    try (Socket caller = Hostile.connect(host, port, TIMEOUT)) {
      OutputStream out = caller.getOutputStream();
      out.write(setup());
      String half = "a".repeat(40 * 1024);
      out.write(frame(1, REQUEST_RESPONSE, FLAG_METADATA | FLAG_FOLLOWS, routed("H.Greeting", "\"" + half)));
      out.write(frame(3, REQUEST_RESPONSE, FLAG_METADATA | FLAG_FOLLOWS, routed("H.Greeting", "\"" + half)));
      out.write(frame(3, PAYLOAD, FLAG_NEXT, "\"".getBytes(UTF_8)));
      out.write(frame(1, PAYLOAD, FLAG_NEXT, "\"".getBytes(UTF_8)));
      out.flush();

      InputStream in = caller.getInputStream();
      Hostile.Frame refused = readFrameUntil(in, f -> f.streamId() == 3);
      assertThat(refused.errorCode()).isEqualTo(REJECTED);
      assertThat(MicroException.parse(refused.errorData()).code()).isEqualTo(413);
      Hostile.Frame answered = readFrameUntil(in, f -> f.streamId() == 1);
      assertThat(answered.type()).isEqualTo(PAYLOAD);
      assertThat(new String(answered.body(), UTF_8)).isEqualTo("\"Hello " + half + "\"");
    }
    assertHonestCallsAnswered(client, SERVICE, host, port, TIMEOUT);
  }

  @Test
  void aFragmentedRequestThatStopsArrivingIsRefusedWith408AfterTheRequestReadTimeout() throws Exception {
    start(TransportOptions.defaults().withRequestReadTimeout(Duration.ofMillis(500)));
    try (Socket caller = Hostile.connect(host, port, TIMEOUT)) {
      OutputStream out = caller.getOutputStream();
      out.write(setup());
      out.write(frame(1, REQUEST_RESPONSE, FLAG_METADATA | FLAG_FOLLOWS, routed("H.Greeting", "\"" + "b".repeat(100))));
      out.flush();

      Hostile.Frame refused = readFrameUntil(caller.getInputStream(), f -> f.streamId() == 1);
      assertThat(refused.errorCode()).isEqualTo(APPLICATION_ERROR);
      assertThat(MicroException.parse(refused.errorData()).code()).isEqualTo(408);

      // The connection itself is fine.
      out.write(requestResponse(3, "H.Greeting", "\"after\""));
      out.flush();
      Hostile.Frame answered = readFrameUntil(caller.getInputStream(), f -> f.streamId() == 3);
      assertThat(new String(answered.body(), UTF_8)).isEqualTo("\"Hello after\"");
    }
  }

  @Test
  void aConnectionWithNoCallIsClosedAfterTheIdleTimeout() throws Exception {
    start(TransportOptions.defaults().withIdleTimeout(Duration.ofMillis(800)));
    try (Socket idle = Hostile.connect(host, port, TIMEOUT)) {
      idle.getOutputStream().write(setup());
      idle.getOutputStream().write(requestResponse(1, "H.Greeting", "\"once\""));
      idle.getOutputStream().flush();

      Hostile.Frame closing = readFrameUntil(idle.getInputStream(), f -> f.streamId() == 0 && f.type() == ERROR);
      assertThat(closing.errorCode()).isEqualTo(CONNECTION_CLOSE);
      readUntilClosed(idle);
    }
    assertHonestCallsAnswered(client, SERVICE, host, port, TIMEOUT);
  }

  @Test
  void aPeerThatSendsNoFrameForTheKeepAliveLifetimeIsClosedAsDeadEvenWithACallInFlight() throws Exception {
    start(TransportOptions.defaults().withKeepAlive(Duration.ofMillis(200), Duration.ofMillis(1000)));
    try (Socket silent = Hostile.connect(host, port, TIMEOUT)) {
      // It declares a lifetime of a day, and never sends a keep-alive frame.
      silent.getOutputStream().write(setup(3_600_000, 86_400_000));
      silent.getOutputStream().write(requestResponse(1, "H.Hang", "\"x\""));
      silent.getOutputStream().flush();

      Hostile.Frame closing = readFrameUntil(silent.getInputStream(), f -> f.streamId() == 0 && f.type() == ERROR);
      assertThat(closing.errorCode()).isEqualTo(CONNECTION_ERROR);
      assertThat(closing.errorData()).contains("no frame for 1000 ms");
      readUntilClosed(silent);
    }
    Await.until("the handler of the dead peer's call is cancelled", TIMEOUT,
        () -> endpoints.hangsCancelled.get() >= 1);
    assertHonestCallsAnswered(client, SERVICE, host, port, TIMEOUT);
  }

  @Test
  void aPeerThatAsksForAnEndlessStreamAndDoesNotReadHoldsNoMemoryAndIsCutOff() throws Exception {
    start(TransportOptions.defaults().withWriteTimeout(Duration.ofSeconds(2)));
    long before = usedHeapAfterGc();
    try (Socket greedy = new Socket()) {
      // A small receive window, so that the server finds out soon that nothing is read.
      greedy.setReceiveBufferSize(4096);
      greedy.connect(new InetSocketAddress(host, port));
      greedy.setSoTimeout((int) TIMEOUT.toMillis());
      greedy.getOutputStream().write(setup());
      greedy.getOutputStream().write(requestStream(1, "H.EndlessText", "\"x\"", Integer.MAX_VALUE));
      greedy.getOutputStream().flush();
      // Time for the server to fill the unread socket and stop: the heap must not grow meanwhile.
      Mono.delay(Duration.ofMillis(1500)).block();

      assertThat(usedHeapAfterGc() - before).as("heap held for the unread stream").isLessThan(HEAP_SLACK);
      assertHonestCallsAnswered(client, SERVICE, host, port, TIMEOUT);
      // Blocked for the write timeout, 2 s, the connection is closed and its stream cancelled: waited for
      // on the server, without reading, as reading would let the server write again. How long the kernel
      // buffers take to fill first depends on the machine's load. What they hold is then read.
      Await.until("the unread stream is cut off", Duration.ofSeconds(30), () -> service.server().inFlight() == 0);
      readUntilClosed(greedy, Duration.ofSeconds(5));
    }
    assertHonestCallsAnswered(client, SERVICE, host, port, TIMEOUT);
    assertThat(usedHeapAfterGc() - before).as("heap left behind").isLessThan(HEAP_SLACK);
  }

  @Test
  void overWebSocketATextFrameOrAMalformedFrameClosesTheConnectionWithAConnectionError() {
    start(TransportOptions.defaults());
    for (boolean text : new boolean[] {true, false}) {
      List<String> received = HttpClient.create()
          .websocket()
          .uri("ws://" + host + ":" + port + "/rsocket")
          .handle((in, out) -> {
            byte[] setup = setup();
            // WebSocket carries one frame a message, without the 3-byte length.
            ByteBuf setupFrame = Unpooled.wrappedBuffer(setup, 3, setup.length - 3);
            Mono<Void> sent = text
                ? out.sendObject(Flux.just(new BinaryWebSocketFrame(setupFrame),
                    new TextWebSocketFrame("not a frame"))).then()
                : out.sendObject(Flux.just(new BinaryWebSocketFrame(setupFrame),
                    new BinaryWebSocketFrame(
                        Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1, (byte) 0xFC, 0})))).then();
            return sent.thenMany(in.receiveFrames()
                .filter(f -> f instanceof BinaryWebSocketFrame)
                .map(f -> {
                  ByteBuf content = f.content();
                  int code = content.getInt(content.readerIndex() + 6);
                  return Integer.toHexString(code) + " "
                      + content.toString(content.readerIndex() + 10, content.readableBytes() - 10, UTF_8);
                }));
          })
          .collectList()
          .block(TIMEOUT);
      assertThat(received).singleElement().asString()
          .startsWith(Integer.toHexString(CONNECTION_ERROR) + " protocol error: ");
    }
    assertHonestCallsAnswered(client, SERVICE, host, port, TIMEOUT);
  }

  private static byte[] withRequestN(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Hostile.writeInt(out, 1);
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** A frame that is often well formed, often not: what a fuzzer or a broken client sends. */
  private static byte[] randomFrame(Random random) {
    int streamId = random.nextInt(10);
    String[] routes = {"H.Greeting", "H.Hang", "H.Count", "H.Endless"};
    return switch (random.nextInt(8)) {
      case 0 -> requestResponse(2 * random.nextInt(4) + 1, routes[random.nextInt(routes.length)], "\"r\"");
      case 1 -> requestStream(2 * random.nextInt(4) + 1, routes[random.nextInt(routes.length)], "3",
          1 + random.nextInt(5));
      case 2 -> frame(streamId, Hostile.REQUEST_CHANNEL, FLAG_METADATA | (random.nextBoolean() ? FLAG_FOLLOWS : 0),
          withRequestN(routed(routes[random.nextInt(routes.length)], "\"c\"")));
      case 3 -> frame(streamId, PAYLOAD, random.nextInt(4) << 5 | (random.nextBoolean() ? FLAG_FOLLOWS : 0),
          "\"p\"".getBytes(UTF_8));
      case 4 -> Hostile.requestN(streamId, random.nextInt(3));
      case 5 -> Hostile.cancel(streamId);
      default -> {
        byte[] body = new byte[random.nextInt(24)];
        random.nextBytes(body);
        yield frame(random.nextInt(8), random.nextInt(64), random.nextInt(1024), body);
      }
    };
  }

  private static void writeFully(SocketChannel channel, byte[] bytes) throws Exception {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      if (channel.write(buffer) == 0) {
        Thread.sleep(1);
      }
    }
  }
}
