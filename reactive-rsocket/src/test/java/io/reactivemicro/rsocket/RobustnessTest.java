package io.reactivemicro.rsocket;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.reactivemicro.Service;
import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.client.Client;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.server.Endpoint;
import io.reactivemicro.server.Handler;
import io.reactivemicro.transport.TransportOptions;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.core.RSocketConnector;
import io.rsocket.exceptions.ApplicationErrorException;
import io.rsocket.metadata.CompositeMetadataCodec;
import io.rsocket.metadata.TaggingMetadataCodec;
import io.rsocket.metadata.WellKnownMimeType;
import io.rsocket.transport.netty.client.TcpClientTransport;
import io.rsocket.util.ByteBufPayload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Feeds the shared port what a broken or hostile peer sends, on raw sockets, and checks after each that
 * the server still answers a normal call over RSocket and over HTTP.
 */
class RobustnessTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Duration DETECT_TIMEOUT = Duration.ofMillis(500);
  private static final String SERVICE = "robustness-test";
  private static final String COMPOSITE = WellKnownMimeType.MESSAGE_RSOCKET_COMPOSITE_METADATA.getString();

  private static Registry registry;
  private static Service service;
  private static String host;
  private static int port;

  private Client client;

  /** A greeting request. */
  public record Hello(String name) {}

  /** A greeting. */
  public record Reply(String message) {}

  /** Endpoints, named {@code R.*}, some of them broken. */
  @Handler("R")
  public static final class Endpoints {

    /** {@code R.Greeting}. */
    public Mono<Reply> greeting(Hello request) {
      return Mono.just(new Reply("Hello " + request.name()));
    }

    /** {@code R.Throws}: throws instead of returning a failed {@code Mono}. */
    @Endpoint("Throws")
    public Mono<Reply> throwsNow(Hello request) {
      throw new IllegalStateException("thrown before any Mono");
    }

    /** {@code R.Null}: returns no publisher at all. */
    @Endpoint("Null")
    public Mono<Reply> nothing(Hello request) {
      return null;
    }

    /** {@code R.ThrowsStream}. */
    public Flux<Reply> throwsStream(Hello request) {
      throw new IllegalStateException("thrown before any Flux");
    }

    /** {@code R.NullStream}. */
    public Flux<Reply> nullStream(Hello request) {
      return null;
    }

    /** {@code R.ThrowsChat}. */
    public Flux<Reply> throwsChat(Flux<Hello> requests) {
      throw new IllegalStateException("thrown before reading the channel");
    }

    /** {@code R.NullChat}. */
    public Flux<Reply> nullChat(Flux<Hello> requests) {
      return null;
    }
  }

  @BeforeAll
  static void startService() {
    registry = Registry.memory();
    TransportOptions options = TransportOptions.defaults().withProtocolDetectTimeout(DETECT_TIMEOUT);
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
  }

  @AfterAll
  static void stopService() {
    if (service != null) {
      service.stop().block(TIMEOUT);
    }
  }

  @BeforeEach
  void createClient() {
    client = Client.builder().registry(registry).build();
  }

  @AfterEach
  void disposeClient() {
    client.close().block(Duration.ofSeconds(10));
  }

  @Test
  void randomBytesDoNotHurtTheServer() throws Exception {
    Random random = new Random(42);
    for (int i = 0; i < 20; i++) {
      byte[] garbage = new byte[1 + random.nextInt(4096)];
      random.nextBytes(garbage);
      try (Socket socket = connect()) {
        socket.getOutputStream().write(garbage);
      } catch (SocketException closedByTheServer) {
        // The server may drop the connection before everything is written; that is a fine answer.
      }
    }

    assertServerStillServes();
  }

  @Test
  void garbageStartingWithAZeroByteClosesTheConnection() throws Exception {
    // Read as an RSocket frame of 5 bytes that is no valid frame, so no SETUP.
    byte[] garbage = {0x00, 0x00, 0x05, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x13, 0x37};

    try (Socket socket = connect()) {
      socket.getOutputStream().write(garbage);
      socket.getOutputStream().flush();

      assertClosedByServer(socket);
    }
    assertServerStillServes();
  }

  @Test
  void zeroBytesThatAreNotAFrameAtAllDoNotHurtTheServer() throws Exception {
    try (Socket socket = connect()) {
      socket.getOutputStream().write(new byte[64 * 1024]);
    } catch (SocketException closedByTheServer) {
      // The server may drop the connection before everything is written; that is a fine answer.
    }

    assertServerStillServes();
  }

  @Test
  void truncatedFrameThenCloseDoesNotHurtTheServer() throws Exception {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(new byte[] {0x00, 0x00, 100});
      out.write(new byte[10]);
      out.flush();
    }

    assertServerStillServes();
  }

  @Test
  void truncatedFrameLeftOpenIsClosedByTheServer() throws Exception {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(new byte[] {0x00, 0x00, 100});
      out.write(new byte[10]);
      out.flush();

      assertClosedByServer(socket);
    }
    assertServerStillServes();
  }

  @Test
  void connectionThatSendsNothingIsClosedAfterTheProtocolDetectTimeout() throws Exception {
    try (Socket socket = connect()) {
      assertClosedByServer(socket);
    }
    assertServerStillServes();
  }

  @Test
  void connectionThatSendsLessThanAProtocolPrefixIsClosedAfterTheProtocolDetectTimeout() throws Exception {
    try (Socket socket = connect()) {
      socket.getOutputStream().write("GE".getBytes(UTF_8));
      socket.getOutputStream().flush();

      assertClosedByServer(socket);
    }
    assertServerStillServes();
  }

  @Test
  void unknownRouteAfterAValidSetupAnswersA404ErrorFrame() {
    RSocket rsocket = rawRSocket();
    try {
      StepVerifier.create(rsocket.requestResponse(routed("R.Nowhere", "{\"name\":\"x\"}")))
          .expectErrorSatisfies(error -> {
            assertThat(error).isInstanceOf(ApplicationErrorException.class);
            MicroException micro = MicroException.parse(error.getMessage());
            assertThat(micro.code()).isEqualTo(404);
            assertThat(micro.status()).isEqualTo("Not Found");
            assertThat(micro.detail()).contains("R.Nowhere");
          })
          .verify(TIMEOUT);

      // The connection survives the error: the next request on it is served.
      StepVerifier.create(rsocket.requestResponse(routed("R.Greeting", "{\"name\":\"raw\"}"))
              .map(payload -> {
                try {
                  return payload.getDataUtf8();
                } finally {
                  payload.release();
                }
              }))
          .expectNext("{\"message\":\"Hello raw\"}")
          .expectComplete()
          .verify(TIMEOUT);
    } finally {
      rsocket.dispose();
    }
    assertServerStillServes();
  }

  @Test
  void requestWithoutMetadataAnswersA400ErrorFrame() {
    RSocket rsocket = rawRSocket();
    try {
      StepVerifier.create(rsocket.requestResponse(ByteBufPayload.create("{\"name\":\"x\"}")))
          .expectErrorSatisfies(error -> {
            assertThat(error).isInstanceOf(ApplicationErrorException.class);
            assertThat(MicroException.parse(error.getMessage()).code()).isEqualTo(400);
          })
          .verify(TIMEOUT);
    } finally {
      rsocket.dispose();
    }
    assertServerStillServes();
  }

  @Test
  void malformedJsonOverRSocketAnswersA400ErrorFrame() {
    RSocket rsocket = rawRSocket();
    try {
      StepVerifier.create(rsocket.requestStream(routed("R.Greeting", "{\"name\":")))
          .expectErrorSatisfies(error -> {
            assertThat(error).isInstanceOf(ApplicationErrorException.class);
            assertThat(MicroException.parse(error.getMessage()).code()).isEqualTo(400);
          })
          .verify(TIMEOUT);
    } finally {
      rsocket.dispose();
    }
    assertServerStillServes();
  }

  @Test
  void httpRequestWithAMalformedRequestLineAnswers400AndCloses() throws Exception {
    try (Socket socket = connect()) {
      socket.getOutputStream().write("GET / HTTP/1.1 nonsense\r\nHost: x\r\n\r\n".getBytes(UTF_8));
      socket.getOutputStream().flush();

      String response = readUntilClosed(socket);

      assertThat(response).startsWith("HTTP/1.1 400 ");
      String body = response.substring(response.indexOf("\r\n\r\n") + 4);
      MicroException error = MicroException.parse(body);
      assertThat(error.code()).isEqualTo(400);
      assertThat(error.status()).isEqualTo("Bad Request");
    }
    assertServerStillServes();
  }

  @Test
  void httpRequestWithGarbageHeadersAnswers400AndCloses() throws Exception {
    try (Socket socket = connect()) {
      socket.getOutputStream().write(
          "POST / HTTP/1.1\r\nContent-Length: banana\r\nMicro-Endpoint: R.Greeting\r\n\r\n{}".getBytes(UTF_8));
      socket.getOutputStream().flush();

      String response = readUntilClosed(socket);

      assertThat(response).startsWith("HTTP/1.1 400 ");
    }
    assertServerStillServes();
  }

  @Test
  void twoHundredConnectionsOpenedAndDroppedAbruptlyDoNotHurtTheServer() throws Exception {
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        Socket socket = connect();
        sockets.add(socket);
        OutputStream out = socket.getOutputStream();
        switch (i % 4) {
          case 0 -> { }
          case 1 -> out.write("POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"na".getBytes(UTF_8));
          case 2 -> out.write(new byte[] {0x00, 0x00, 0x40, 0x00, 0x00});
          default -> out.write(rawHttpGreeting("dropped"));
        }
        out.flush();
      }
    } finally {
      for (Socket socket : sockets) {
        // SO_LINGER 0: close sends a reset instead of an orderly shutdown.
        socket.setSoLinger(true, 0);
        socket.close();
      }
    }

    assertServerStillServes();
  }

  @Test
  void handlerThatThrowsSynchronouslyAnswers500AndTheServerStaysUp() throws Exception {
    assertCallFails500("R.Throws", "thrown before any Mono");
    assertStreamFails500("R.ThrowsStream", "thrown before any Flux");
    StepVerifier.create(client.channel(SERVICE, "R.ThrowsChat", Flux.just(new Hello("a")), Reply.class))
        .expectErrorSatisfies(error -> assertThat(((MicroException) error).code()).isEqualTo(500))
        .verify(TIMEOUT);
    assertThat(httpStatusOf("R.Throws")).isEqualTo(500);
    assertThat(httpStatusOf("R.ThrowsStream")).isEqualTo(500);
    assertThat(httpStatusOf("R.ThrowsChat")).isEqualTo(500);

    assertServerStillServes();
  }

  @Test
  void handlerThatReturnsNullAnswers500AndTheServerStaysUp() throws Exception {
    assertCallFails500("R.Null", "returned null");
    assertStreamFails500("R.NullStream", "returned null");
    StepVerifier.create(client.channel(SERVICE, "R.NullChat", Flux.just(new Hello("a")), Reply.class))
        .expectErrorSatisfies(error -> assertThat(((MicroException) error).code()).isEqualTo(500))
        .verify(TIMEOUT);
    assertThat(httpStatusOf("R.Null")).isEqualTo(500);
    assertThat(httpStatusOf("R.NullStream")).isEqualTo(500);
    assertThat(httpStatusOf("R.NullChat")).isEqualTo(500);

    assertServerStillServes();
  }

  private void assertCallFails500(String endpoint, String detail) {
    StepVerifier.create(client.call(SERVICE, endpoint, new Hello("a"), Reply.class))
        .expectErrorSatisfies(error -> {
          assertThat(error).isInstanceOf(MicroException.class);
          MicroException micro = (MicroException) error;
          assertThat(micro.code()).isEqualTo(500);
          assertThat(micro.detail()).contains(detail).doesNotContain("\tat ");
        })
        .verify(TIMEOUT);
  }

  private void assertStreamFails500(String endpoint, String detail) {
    StepVerifier.create(client.stream(SERVICE, endpoint, new Hello("a"), Reply.class))
        .expectErrorSatisfies(error -> {
          assertThat(error).isInstanceOf(MicroException.class);
          assertThat(((MicroException) error).code()).isEqualTo(500);
          assertThat(((MicroException) error).detail()).contains(detail);
        })
        .verify(TIMEOUT);
  }

  /** Checks that a normal call succeeds over RSocket and over HTTP. */
  private void assertServerStillServes() {
    StepVerifier.create(client.call(SERVICE, "R.Greeting", new Hello("still here"), Reply.class,
            RequestOptions.defaults().withTimeout(TIMEOUT)))
        .expectNext(new Reply("Hello still here"))
        .expectComplete()
        .verify(TIMEOUT);
    try (Socket socket = connect()) {
      socket.getOutputStream().write(rawHttpGreeting("http"));
      socket.getOutputStream().flush();
      String response = readResponse(socket.getInputStream());
      assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("{\"message\":\"Hello http\"}");
    } catch (IOException e) {
      throw new AssertionError("the server no longer answers HTTP", e);
    }
  }

  private int httpStatusOf(String endpoint) throws IOException {
    try (Socket socket = connect()) {
      byte[] body = "{\"name\":\"a\"}".getBytes(UTF_8);
      String head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nMicro-Endpoint: " + endpoint
          + "\r\nContent-Length: " + body.length + "\r\n\r\n";
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(UTF_8));
      out.write(body);
      out.flush();
      String response = readResponse(socket.getInputStream());
      assertThat(response).doesNotContain("\tat ", "IllegalStateException");
      return Integer.parseInt(response.substring(9, 12));
    }
  }

  private static byte[] rawHttpGreeting(String name) {
    byte[] body = ("{\"name\":\"" + name + "\"}").getBytes(UTF_8);
    String head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nMicro-Endpoint: R.Greeting\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.getBytes(UTF_8));
    out.writeBytes(body);
    return out.toByteArray();
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
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return text + new String(in.readNBytes(length), UTF_8);
  }

  private static String readUntilClosed(Socket socket) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] chunk = new byte[4096];
    try {
      for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
        received.write(chunk, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server did not close the connection; received: " + received.toString(UTF_8), e);
    }
    return received.toString(UTF_8);
  }

  /** Asserts that the server closes the connection (end of stream or reset) before the read times out. */
  private static void assertClosedByServer(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    try {
      while (in.read() >= 0) {
        // An RSocket ERROR frame may come first.
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server did not close the connection within " + socket.getSoTimeout() + " ms", e);
    } catch (SocketException reset) {
      // A reset closes too.
    }
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
    socket.setSoTimeout((int) TIMEOUT.toMillis());
    return socket;
  }

  private static RSocket rawRSocket() {
    return RSocketConnector.create()
        .metadataMimeType(COMPOSITE)
        .dataMimeType("application/json")
        .connect(TcpClientTransport.create(host, port))
        .block(TIMEOUT);
  }

  private static Payload routed(String route, String json) {
    ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
    CompositeByteBuf metadata = alloc.compositeBuffer();
    CompositeMetadataCodec.encodeAndAddMetadata(metadata, alloc, WellKnownMimeType.MESSAGE_RSOCKET_ROUTING,
        TaggingMetadataCodec.createRoutingMetadata(alloc, List.of(route)).getContent());
    return ByteBufPayload.create(Unpooled.copiedBuffer(json, UTF_8), metadata);
  }
}
