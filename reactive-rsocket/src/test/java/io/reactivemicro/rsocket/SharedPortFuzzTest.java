package io.reactivemicro.rsocket;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.reactivemicro.Service;
import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.client.Client;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.server.Handler;
import io.reactivemicro.test.NettyLeaks;
import io.reactivemicro.transport.TransportOptions;
import io.rsocket.frame.FrameLengthCodec;
import io.rsocket.frame.SetupFrameCodec;
import io.rsocket.metadata.WellKnownMimeType;
import io.rsocket.util.DefaultPayload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import reactor.blockhound.BlockingOperationError;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;

/**
 * Fuzzes the shared port from outside, as any peer on the network can: each input is one connection,
 * whose first byte picks what it sends, the rest being the fuzzer's bytes:
 *
 * <ul>
 *   <li>{@code 0}: the bytes as they are, the connection's first bytes (the protocol detector);
 *   <li>{@code 1}: a valid RSocket SETUP frame (composite metadata, {@code application/json}), then the
 *       bytes as frames (rsocket-java's frame decoding, then the responder: wire metadata, codecs);
 *   <li>{@code 2}: an HTTP request line and a first header, then the bytes as further headers and body.
 * </ul>
 *
 * <p>The connection then half-closes and reads until the server closes it (bounded by a short read
 * timeout). Every {@value #CHECK_EVERY} inputs, and after the last, the server must still answer an
 * honest call over RSocket and over HTTP, and Netty must have reported no leaked buffer; an unhandled error
 * (Reactor's dropped-error hook, Netty's log at WARNING) fails the input during or after which it came.
 * The server starts once per class and is driven through the public API only. Committed inputs are under
 * {@code src/test/resources/io/reactivemicro/rsocket/SharedPortFuzzTestInputs}.
 */
class SharedPortFuzzTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int READ_TIMEOUT_MILLIS = 5_000;
  private static final int CHECK_EVERY = 500;
  private static final String SERVICE = "fuzz";
  private static final byte[] HTTP_PREFIX = "POST / HTTP/1.1\r\nHost: fuzz\r\n".getBytes(UTF_8);

  private static final List<String> LOGGERS = List.of("io.netty", "reactor", "io.rsocket", "io.reactivemicro");
  private static final Queue<String> SERVER_ERRORS = new ConcurrentLinkedQueue<>();
  private static final java.util.logging.Handler WARNINGS = new java.util.logging.Handler() {
    @Override
    public void publish(LogRecord record) {
      // Leaks are the leak detector's to report, with the access records. The server's own one-line
      // warnings about a peer's protocol errors are expected; one with a stack trace, or an error, is not.
      boolean expected = record.getLoggerName().startsWith("io.reactivemicro.") && record.getThrown() == null
          && record.getLevel() == Level.WARNING;
      if (record.getLevel().intValue() >= Level.WARNING.intValue() && !expected
          && !record.getLoggerName().startsWith("io.netty.util.ResourceLeakDetector")) {
        serverError(record.getLoggerName() + ": " + record.getMessage(), record.getThrown());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private static Registry registry;
  private static Service service;
  private static Client client;
  private static String host;
  private static int port;
  private static byte[] setupFrame;
  private static int inputs;
  private static long fileDescriptorsAtEnd;
  private static final int RECENT_KEPT = 8;
  private static final Deque<String> RECENT = new ArrayDeque<>();

  /** A greeting request. */
  public record Hello(String name) {}

  /** A greeting. */
  public record Reply(String message) {}

  /** Endpoints, named {@code F.*}, of each interaction model. */
  @Handler("F")
  public static final class Endpoints {

    /** {@code F.Greeting}. */
    public Mono<Reply> greeting(Hello request) {
      return Mono.just(new Reply("Hello " + request.name()));
    }

    /** {@code F.Greetings}: three replies. */
    public Flux<Reply> greetings(Hello request) {
      return Flux.range(1, 3).map(i -> new Reply("Hello " + request.name() + " " + i));
    }

    /** {@code F.Chat}: one reply a request. */
    public Flux<Reply> chat(Flux<Hello> requests) {
      return requests.map(request -> new Reply("Hello " + request.name()));
    }

    /** {@code F.Notify}: fire and forget. */
    public Mono<Void> notify(Hello request) {
      return Mono.empty();
    }
  }

  @BeforeAll
  static void startService() throws InterruptedException {
    assertBlockHoundIsActive();
    for (String logger : LOGGERS) {
      Logger.getLogger(logger).addHandler(WARNINGS);
    }
    Hooks.onErrorDropped(error -> {
      // rsocket-java drops, by design, errors that arrive for a stream that has already ended (such as the
      // cancellation of a channel's inbound once its outbound failed). Only a dropped error that nothing
      // was there to handle, an Error (BlockHound's included), or one thrown by our code is a finding.
      StackTraceElement[] frames = error.getStackTrace();
      if (Exceptions.isErrorCallbackNotImplemented(error) || error instanceof Error
          || frames.length > 0 && frames[0].getClassName().startsWith("io.reactivemicro.")) {
        serverError("dropped", error);
      }
    });
    registry = Registry.memory();
    // A short protocol detection timeout bounds a connection that sends less than a protocol prefix, and a
    // small payload maximum lets the fuzzer reach the frame length limits.
    TransportOptions options = TransportOptions.defaults()
        .withMaxInboundPayloadSize(1024 * 1024)
        .withProtocolDetectTimeout(Duration.ofMillis(500));
    service = Service.builder(SERVICE)
        .address("127.0.0.1:0")
        .handler(new Endpoints())
        .registry(registry)
        .drainTimeout(Duration.ofSeconds(1))
        .transportOptions(options)
        .build();
    service.start().block(TIMEOUT);
    String address = service.address();
    host = address.substring(0, address.lastIndexOf(':'));
    port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    client = Client.builder().registry(registry).build();
    setupFrame = setupFrame();
    // The first calls load (and Jazzer instruments) the classes of both protocols: not within an input's time.
    assertServerStillServes();
  }

  @AfterAll
  static void stopService() throws InterruptedException {
    try {
      if (service != null) {
        assertServerStillServes();
      }
    } finally {
      if (client != null) {
        client.close().block(Duration.ofSeconds(10));
      }
      if (service != null) {
        long start = System.nanoTime();
        // Past its drain, the listener gives the connections 10 s to close; waiting longer tells a slow stop
        // (which the listener logs) from one that never ends.
        service.stop().block(TIMEOUT.multipliedBy(3));
        System.err.printf("open file descriptors before stop: %d; stop took %d ms%n", fileDescriptorsAtEnd,
            Duration.ofNanos(System.nanoTime() - start).toMillis());
      }
      Hooks.resetOnErrorDropped();
      for (String logger : LOGGERS) {
        Logger.getLogger(logger).removeHandler(WARNINGS);
      }
    }
  }

  @FuzzTest(maxDuration = "5m")
  void sharedPortSurvivesWhateverAConnectionSends(byte[] input) throws Exception {
    // Jazzer's SSRF detector refuses every connection once fuzzing starts; these go to the server only.
    BugDetectors.allowNetworkConnections((h, p) -> p == port && (h.equals("localhost") || h.equals(host)));
    if (input.length == 0) {
      return;
    }
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    switch (Byte.toUnsignedInt(input[0]) % 3) {
      case 1 -> sent.writeBytes(setupFrame);
      case 2 -> sent.writeBytes(HTTP_PREFIX);
      default -> { }
    }
    sent.write(input, 1, input.length - 1);
    RECENT.addLast(HexFormat.of().formatHex(input));
    if (RECENT.size() > RECENT_KEPT) {
      RECENT.removeFirst();
    }
    exchange(sent.toByteArray());

    // The server may report an error after it closed the connection, so it may come from a recent input.
    assertThat(SERVER_ERRORS).as("errors on the server; the last inputs, as hex, this one last:%n%s",
        String.join(System.lineSeparator(), RECENT)).isEmpty();
    if (++inputs % CHECK_EVERY == 0) {
      assertServerStillServes();
    }
  }

  /**
   * BlockHound and Jazzer's agent both transform classes; this checks that BlockHound still fails a blocking
   * call on a non-blocking thread in the fuzzing JVM, where it would otherwise go unnoticed.
   */
  private static void assertBlockHoundIsActive() {
    Throwable blocked = catchThrowable(() -> Mono.delay(Duration.ZERO)
        .doOnNext(tick -> {
          try {
            Thread.sleep(1);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        })
        .block(TIMEOUT));
    assertThat(Exceptions.unwrap(blocked)).isInstanceOf(BlockingOperationError.class);
    BlockingCallExtension.forget();
  }

  private static void serverError(String what, @Nullable Throwable error) {
    StringWriter text = new StringWriter();
    text.append(what);
    if (error != null) {
      text.append(": ");
      error.printStackTrace(new PrintWriter(text));
    }
    SERVER_ERRORS.add(text.toString());
  }

  /** Sends the bytes on a new connection, half-closes it and reads until the server closes it. */
  private static void exchange(byte[] bytes) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      // A reset instead of an orderly close: no TIME_WAIT left behind, so fuzzing for long does not run out
      // of ephemeral ports.
      socket.setSoLinger(true, 0);
      try {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
        socket.shutdownOutput();
        InputStream in = socket.getInputStream();
        byte[] chunk = new byte[8192];
        while (in.read(chunk) >= 0) {
          // An answer (an ERROR frame, a 400) may come before the server closes.
        }
      } catch (SocketException closedByTheServer) {
        // The server may reset the connection before everything is written or read; a fine answer.
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the server did not close a half-closed connection within "
            + READ_TIMEOUT_MILLIS + " ms", e);
      }
    }
  }

  /** Checks that a normal call succeeds over RSocket and over HTTP and that no buffer leaked. */
  private static void assertServerStillServes() throws InterruptedException {
    assertThat(client.call(SERVICE, "F.Greeting", new Hello("still here"), Reply.class,
            RequestOptions.defaults().withTimeout(TIMEOUT)).block(TIMEOUT))
        .isEqualTo(new Reply("Hello still here"));
    byte[] body = "{\"name\":\"http\"}".getBytes(UTF_8);
    String head = "POST / HTTP/1.1\r\nHost: fuzz\r\nContent-Type: application/json\r\nMicro-Endpoint: F.Greeting\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n";
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
      socket.setSoTimeout((int) TIMEOUT.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(UTF_8));
      out.write(body);
      out.flush();
      assertThat(readResponse(socket.getInputStream()))
          .startsWith("HTTP/1.1 200 ")
          .endsWith("{\"message\":\"Hello http\"}");
    } catch (IOException e) {
      throw new AssertionError("the server no longer answers HTTP", e);
    }
    fileDescriptorsAtEnd = openFileDescriptors();
    System.err.printf("after %d inputs: %d open file descriptors%n", inputs, fileDescriptorsAtEnd);
    assertThat(NettyLeaks.collectLeaks()).as("ByteBuf leaks").isEmpty();
    assertThat(SERVER_ERRORS).isEmpty();
  }

  private static long openFileDescriptors() {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }

  /** Reads one response with a {@code Content-Length}: its head and body. */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(UTF_8).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before the end of the response head: " + head.toString(UTF_8));
      }
      head.write(b);
    }
    String text = head.toString(UTF_8);
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return text + new String(in.readNBytes(length), UTF_8);
  }

  /** The SETUP frame a client of the wire contract sends first, with its length prefix (RSocket over TCP). */
  private static byte[] setupFrame() {
    ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
    ByteBuf frame = SetupFrameCodec.encode(alloc, false, 20_000, 90_000, Unpooled.EMPTY_BUFFER,
        WellKnownMimeType.MESSAGE_RSOCKET_COMPOSITE_METADATA.getString(), "application/json",
        DefaultPayload.create(new byte[0]));
    ByteBuf framed = FrameLengthCodec.encode(alloc, frame.readableBytes(), frame);
    try {
      return ByteBufUtil.getBytes(framed);
    } finally {
      framed.release();
    }
  }
}
