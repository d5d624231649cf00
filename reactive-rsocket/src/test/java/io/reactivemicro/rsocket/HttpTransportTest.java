package io.reactivemicro.rsocket;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.reactivemicro.Service;
import io.reactivemicro.client.Client;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.metadata.Metadata;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.server.Handler;
import io.reactivemicro.transport.TransportOptions;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.core.RSocketConnector;
import io.rsocket.metadata.CompositeMetadataCodec;
import io.rsocket.metadata.TaggingMetadataCodec;
import io.rsocket.metadata.WellKnownMimeType;
import io.rsocket.transport.netty.client.WebsocketClientTransport;
import io.rsocket.util.ByteBufPayload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves HTTP/1.1 as Go Micro's HTTP server does, on the same port as RSocket: {@code POST /} with a
 * {@code Micro-Endpoint} header, JSON bodies, error JSON with the error's code as the status, and
 * newline-delimited JSON for streams.
 */
class HttpTransportTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String SERVICE = "http-test";
  private static final int MAX_PAYLOAD = 1024 * 1024;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static Registry registry;
  private static Service service;
  private static HttpClient http;
  private static URI root;
  private static String address;

  /** A greeting request. */
  public record Hello(String name) {}

  /** A greeting. */
  public record Reply(String message) {}

  /** Asks for {@code count} greetings. */
  public record Many(String name, int count) {}

  /** The endpoints served, named {@code X.*}. */
  @Handler("X")
  public static final class Endpoints {

    /** {@code X.Greeting}. */
    public Mono<Reply> greeting(Hello request) {
      return Mono.just(new Reply("Hello " + request.name()));
    }

    /** {@code X.Stream}. */
    public Flux<Reply> stream(Many request) {
      return Flux.range(1, request.count()).map(i -> new Reply("Hello " + request.name() + " #" + i));
    }

    /** {@code X.Chat}. */
    public Flux<Reply> chat(Flux<Hello> requests) {
      return requests.map(request -> new Reply("Hi " + request.name()));
    }

    /** {@code X.Ping}: answers nothing. */
    public Mono<Void> ping(Hello request) {
      return Mono.empty();
    }

    /** {@code X.Claim}: fails with a 409. */
    public Mono<Reply> claim(Hello request) {
      return Mono.error(MicroException.conflict("claims", "%s is already taken", request.name()));
    }

    /** {@code X.Explode}: fails unexpectedly. */
    public Mono<Reply> explode(Hello request) {
      return Mono.error(new IllegalStateException("the disk is on fire"));
    }

    /** {@code X.Faulty}: one greeting, then a 409. */
    public Flux<Reply> faulty(Hello request) {
      return Flux.concat(Flux.just(new Reply("Hello " + request.name())),
          Flux.error(MicroException.conflict("claims", "the second greeting is taken")));
    }

    /** {@code X.Trace}: answers with the {@code X-Trace} header it received. */
    public Mono<Reply> trace(Hello request) {
      return Metadata.current().map(metadata -> new Reply(String.valueOf(metadata.get("X-Trace"))));
    }
  }

  @BeforeAll
  static void startService() {
    registry = Registry.memory();
    service = Service.builder(SERVICE)
        .address("127.0.0.1:0")
        .handler(new Endpoints())
        .registry(registry)
        .drainTimeout(Duration.ofSeconds(1))
        .transportOptions(TransportOptions.defaults().withMaxInboundPayloadSize(MAX_PAYLOAD))
        .build();
    service.start().block(TIMEOUT);
    address = service.address();
    root = URI.create("http://" + address + "/");
    http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(TIMEOUT)
        .build();
  }

  @AfterAll
  static void stopService() {
    if (service != null) {
      service.stop().block(TIMEOUT);
    }
  }

  @Test
  @DisplayName("POST / with Micro-Endpoint answers as the Go Micro README's curl shows")
  void postWithEndpointHeaderAnswersTheGreeting() throws Exception {
    HttpResponse<String> response = post("X.Greeting", "{\"name\": \"alice\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.body()).isEqualTo("{\"message\":\"Hello alice\"}");
  }

  @Test
  void malformedJsonIsABadRequest() throws Exception {
    HttpResponse<String> response = post("X.Greeting", "{\"name\": ");

    assertError(response, 400, "Bad Request");
  }

  @Test
  void unknownEndpointIsNotFound() throws Exception {
    HttpResponse<String> response = post("X.Nowhere", "{}");

    JsonNode error = assertError(response, 404, "Not Found");
    assertThat(error.path("detail").asString()).contains("X.Nowhere");
  }

  @Test
  void bodyLargerThanTheMaximumIsRefusedWith413() throws Exception {
    byte[] body = largeJsonBody(2 * MAX_PAYLOAD);

    HttpResponse<String> response = http.send(request("X.Greeting").POST(BodyPublishers.ofByteArray(body)).build(),
        BodyHandlers.ofString());

    assertError(response, 413, MicroException.statusText(413));
    assertThat(post("X.Greeting", "{\"name\":\"after\"}").body()).isEqualTo("{\"message\":\"Hello after\"}");
  }

  @Test
  void keptAliveConnectionServesTheNextRequestAfterA413() throws Exception {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(rawPost("X.Greeting", new String(largeJsonBody(2 * MAX_PAYLOAD), UTF_8)));
      out.write(rawPost("X.Greeting", "{\"name\":\"next\"}"));
      out.flush();

      RawResponse tooLarge = RawResponse.read(socket.getInputStream());
      RawResponse next = RawResponse.read(socket.getInputStream());

      assertThat(tooLarge.status()).isEqualTo(413);
      assertThat(JSON.readTree(tooLarge.body()).path("code").asInt()).isEqualTo(413);
      assertThat(next.status()).isEqualTo(200);
      assertThat(next.body()).isEqualTo("{\"message\":\"Hello next\"}");
    }
  }

  @Test
  void bodyJustUnderTheMaximumIsServed() throws Exception {
    byte[] body = largeJsonBody(MAX_PAYLOAD - 16);

    HttpResponse<String> response = http.send(request("X.Greeting").POST(BodyPublishers.ofByteArray(body)).build(),
        BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).startsWith("{\"message\":\"Hello aaaa");
  }

  @Test
  void getOnAnEndpointIsMethodNotAllowed() throws Exception {
    HttpResponse<String> byHeader = http.send(request("X.Greeting").GET().build(), BodyHandlers.ofString());
    HttpResponse<String> byPath = http.send(HttpRequest.newBuilder(root.resolve("/X.Greeting")).timeout(TIMEOUT).GET()
        .build(), BodyHandlers.ofString());

    assertError(byHeader, 405, "Method Not Allowed");
    assertError(byPath, 405, "Method Not Allowed");
  }

  @Test
  void putIsMethodNotAllowed() throws Exception {
    HttpResponse<String> response = http.send(request("X.Greeting")
        .PUT(BodyPublishers.ofString("{\"name\":\"alice\"}")).build(), BodyHandlers.ofString());

    assertError(response, 405, "Method Not Allowed");
  }

  @Test
  void postWithoutAnEndpointIsABadRequest() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(root).timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(BodyPublishers.ofString("{\"name\":\"alice\"}")).build(), BodyHandlers.ofString());

    JsonNode error = assertError(response, 400, "Bad Request");
    assertThat(error.path("detail").asString()).contains("Micro-Endpoint");
  }

  @Test
  void handlerErrorKeepsItsCodeAndJson() throws Exception {
    HttpResponse<String> response = post("X.Claim", "{\"name\":\"alice\"}");

    JsonNode error = assertError(response, 409, "Conflict");
    assertThat(error.path("id").asString()).isEqualTo("claims");
    assertThat(error.path("detail").asString()).isEqualTo("alice is already taken");
  }

  @Test
  void unexpectedExceptionIsA500WithoutStackTrace() throws Exception {
    HttpResponse<String> response = post("X.Explode", "{\"name\":\"alice\"}");

    JsonNode error = assertError(response, 500, "Internal Server Error");
    assertThat(error.path("detail").asString()).isEqualTo("the disk is on fire");
    assertThat(response.body()).doesNotContain("IllegalStateException", "\tat ", "Endpoints", "java.");
  }

  @Test
  void streamingEndpointAnswersNewlineDelimitedJson() throws Exception {
    HttpResponse<String> response = post("X.Stream", "{\"name\":\"bob\",\"count\":5}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    List<String> lines = lines(response.body());
    assertThat(lines).hasSize(5);
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = JSON.readTree(lines.get(i));
      assertThat(line.isObject()).isTrue();
      assertThat(line.path("message").asString()).isEqualTo("Hello bob #" + (i + 1));
    }
  }

  @Test
  void streamingEndpointSendsManyLinesAsTheClientReads() throws Exception {
    int count = 2_000;

    HttpResponse<String> response = post("X.Stream", "{\"name\":\"bob\",\"count\":" + count + "}");

    assertThat(response.statusCode()).isEqualTo(200);
    List<String> lines = lines(response.body());
    assertThat(lines).hasSize(count);
    assertThat(lines.get(count - 1)).isEqualTo("{\"message\":\"Hello bob #" + count + "\"}");
  }

  @Test
  void streamThatFailsAfterItsFirstLineEndsWithTheErrorJsonAsItsLastLine() throws Exception {
    HttpResponse<String> response = post("X.Faulty", "{\"name\":\"bob\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    List<String> lines = lines(response.body());
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).isEqualTo("{\"message\":\"Hello bob\"}");
    MicroException error = MicroException.parse(lines.get(1));
    assertThat(error.code()).isEqualTo(409);
    assertThat(error.detail()).isEqualTo("the second greeting is taken");
  }

  @Test
  void unsupportedContentTypeIsABadRequestNamingTheSupportedOnes() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(root).timeout(TIMEOUT)
        .header("Content-Type", "text/x-unknown")
        .header("Micro-Endpoint", "X.Greeting")
        .POST(BodyPublishers.ofString("alice")).build(), BodyHandlers.ofString());

    JsonNode error = assertError(response, 400, "Bad Request");
    assertThat(error.path("detail").asString()).contains("text/x-unknown", "application/json");
  }

  @Test
  void channelEndpointTakesNewlineDelimitedRequestsAndAnswersNewlineDelimitedJson() throws Exception {
    HttpResponse<String> response = post("X.Chat", "{\"name\":\"ann\"}\n\n{\"name\":\"ben\"}\r\n{\"name\":\"cy\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    assertThat(lines(response.body())).containsExactly(
        "{\"message\":\"Hi ann\"}", "{\"message\":\"Hi ben\"}", "{\"message\":\"Hi cy\"}");
  }

  @Test
  void channelEndpointWithAMalformedLineAnswersAnError() throws Exception {
    HttpResponse<String> response = post("X.Chat", "{\"name\":\"ann\"}\n{not json}\n");

    assertError(response, 400, "Bad Request");
  }

  @Test
  void voidEndpointAnswersAnEmptyObject() throws Exception {
    HttpResponse<String> response = post("X.Ping", "{\"name\":\"alice\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{}");
  }

  @Test
  void customHeaderReachesTheHandlersMetadata() throws Exception {
    HttpResponse<String> response = http.send(request("X.Trace").header("X-Trace", "abc")
        .POST(BodyPublishers.ofString("{\"name\":\"alice\"}")).build(), BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"message\":\"abc\"}");
  }

  @Test
  void severalRequestsOnOneKeptAliveConnectionAllSucceed() throws Exception {
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> response = post("X.Greeting", "{\"name\":\"n" + i + "\"}");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("{\"message\":\"Hello n" + i + "\"}");
    }
  }

  @Test
  void requestsOnOneSocketAreAnsweredInOrderWhetherSentOneByOneOrPipelined() throws Exception {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      for (int i = 0; i < 3; i++) {
        out.write(rawPost("X.Greeting", "{\"name\":\"one" + i + "\"}"));
        out.flush();
        RawResponse response = RawResponse.read(in);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"message\":\"Hello one" + i + "\"}");
      }

      ByteArrayOutputStream pipelined = new ByteArrayOutputStream();
      pipelined.write(rawPost("X.Stream", "{\"name\":\"s\",\"count\":3}"));
      pipelined.write(rawPost("X.Greeting", "{\"name\":\"two\"}"));
      pipelined.write(rawPost("X.Claim", "{\"name\":\"three\"}"));
      out.write(pipelined.toByteArray());
      out.flush();

      RawResponse stream = RawResponse.read(in);
      assertThat(stream.status()).isEqualTo(200);
      assertThat(lines(stream.body())).hasSize(3);
      RawResponse greeting = RawResponse.read(in);
      assertThat(greeting.body()).isEqualTo("{\"message\":\"Hello two\"}");
      RawResponse claim = RawResponse.read(in);
      assertThat(claim.status()).isEqualTo(409);
    }
  }

  @Test
  void getRootDescribesTheEndpoints() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(root).timeout(TIMEOUT).GET().build(),
        BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode description = JSON.readTree(response.body());
    assertThat(description.path("service").asString()).isEqualTo(SERVICE);
    List<String> names = new ArrayList<>();
    description.path("endpoints").forEach(endpoint -> names.add(endpoint.path("name").asString()));
    assertThat(names).contains("X.Greeting", "X.Stream", "X.Chat", "X.Ping", "X.Claim", "X.Explode", "X.Faulty",
        "X.Trace");
    description.path("endpoints").forEach(endpoint -> {
      if (endpoint.path("name").asString().equals("X.Stream")) {
        assertThat(endpoint.path("metadata").path("stream").asString()).isEqualTo("true");
      }
    });
  }

  @Test
  @DisplayName("one port serves HTTP and RSocket to callers in the same test")
  void samePortServesHttpAndRSocket() throws Exception {
    Client client = Client.builder().registry(registry).build();
    try {
      HttpResponse<String> viaHttp = post("X.Greeting", "{\"name\":\"http\"}");

      StepVerifier.create(client.call(SERVICE, "X.Greeting", new Hello("rsocket"), Reply.class))
          .expectNext(new Reply("Hello rsocket"))
          .expectComplete()
          .verify(TIMEOUT);
      StepVerifier.create(client.stream(SERVICE, "X.Stream", new Many("rs", 2), Reply.class))
          .expectNext(new Reply("Hello rs #1"), new Reply("Hello rs #2"))
          .expectComplete()
          .verify(TIMEOUT);
      HttpResponse<String> viaHttpAgain = post("X.Greeting", "{\"name\":\"http again\"}");

      assertThat(registry.getService(SERVICE).collectList().block(TIMEOUT))
          .singleElement()
          .satisfies(info -> assertThat(info.nodes()).singleElement()
              .satisfies(node -> assertThat(node.address()).isEqualTo(address)));
      assertThat(viaHttp.body()).isEqualTo("{\"message\":\"Hello http\"}");
      assertThat(viaHttpAgain.body()).isEqualTo("{\"message\":\"Hello http again\"}");
    } finally {
      client.close().block(Duration.ofSeconds(10));
    }
  }

  @Test
  @DisplayName("one port also serves RSocket over WebSocket on /rsocket")
  void samePortServesRSocketOverWebSocket() {
    RSocket rsocket = RSocketConnector.create()
        .metadataMimeType(WellKnownMimeType.MESSAGE_RSOCKET_COMPOSITE_METADATA.getString())
        .dataMimeType("application/json")
        .connect(WebsocketClientTransport.create(URI.create("ws://" + address + "/rsocket")))
        .block(TIMEOUT);
    try {
      ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
      CompositeByteBuf metadata = alloc.compositeBuffer();
      CompositeMetadataCodec.encodeAndAddMetadata(metadata, alloc, WellKnownMimeType.MESSAGE_RSOCKET_ROUTING,
          TaggingMetadataCodec.createRoutingMetadata(alloc, List.of("X.Greeting")).getContent());
      Payload request = ByteBufPayload.create(Unpooled.copiedBuffer("{\"name\":\"ws\"}", UTF_8), metadata);

      StepVerifier.create(rsocket.requestResponse(request).map(payload -> {
        try {
          return payload.getDataUtf8();
        } finally {
          payload.release();
        }
      }))
          .expectNext("{\"message\":\"Hello ws\"}")
          .expectComplete()
          .verify(TIMEOUT);
    } finally {
      rsocket.dispose();
    }
  }

  private static HttpRequest.Builder request(String endpoint) {
    return HttpRequest.newBuilder(root)
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .header("Micro-Endpoint", endpoint);
  }

  private static HttpResponse<String> post(String endpoint, String body) throws IOException, InterruptedException {
    return http.send(request(endpoint).POST(BodyPublishers.ofString(body)).build(), BodyHandlers.ofString());
  }

  private static JsonNode assertError(HttpResponse<String> response, int code, String status) {
    assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(code);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode error = JSON.readTree(response.body());
    List<String> fields = new ArrayList<>();
    error.propertyNames().forEach(fields::add);
    assertThat(fields).containsExactlyInAnyOrder("id", "code", "detail", "status");
    assertThat(error.path("code").asInt()).isEqualTo(code);
    assertThat(error.path("status").asString()).isEqualTo(status);
    assertThat(error.path("detail").asString()).isNotBlank();
    return error;
  }

  private static byte[] largeJsonBody(int size) {
    byte[] body = new byte[size];
    byte[] head = "{\"name\":\"".getBytes(UTF_8);
    Arrays.fill(body, (byte) 'a');
    System.arraycopy(head, 0, body, 0, head.length);
    body[size - 2] = '"';
    body[size - 1] = '}';
    return body;
  }

  private static List<String> lines(String body) {
    assertThat(body).endsWith("\n");
    return Arrays.asList(body.split("\n"));
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket();
    int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
    socket.setSoTimeout((int) TIMEOUT.toMillis());
    return socket;
  }

  private static byte[] rawPost(String endpoint, String body) {
    byte[] content = body.getBytes(UTF_8);
    String head = "POST / HTTP/1.1\r\nHost: " + address + "\r\nContent-Type: application/json\r\n"
        + "Micro-Endpoint: " + endpoint + "\r\nContent-Length: " + content.length + "\r\n\r\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.getBytes(UTF_8));
    out.writeBytes(content);
    return out.toByteArray();
  }

  /** An HTTP/1.1 response read off a socket: fixed length or chunked. */
  record RawResponse(int status, String body) {

    static RawResponse read(InputStream in) throws IOException {
      String statusLine = line(in);
      int status = Integer.parseInt(statusLine.split(" ")[1]);
      int length = -1;
      boolean chunked = false;
      for (String header = line(in); !header.isEmpty(); header = line(in)) {
        String name = header.substring(0, header.indexOf(':')).trim().toLowerCase(Locale.ROOT);
        String value = header.substring(header.indexOf(':') + 1).trim();
        if (name.equals("content-length")) {
          length = Integer.parseInt(value);
        } else if (name.equals("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
          chunked = true;
        }
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      if (chunked) {
        for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
          body.writeBytes(in.readNBytes(size));
          line(in);
        }
        line(in);
      } else {
        body.writeBytes(in.readNBytes(Math.max(length, 0)));
      }
      return new RawResponse(status, body.toString(UTF_8));
    }

    static String line(InputStream in) throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        if (b != '\r') {
          line.write(b);
        }
      }
      if (b == -1 && line.size() == 0) {
        throw new IOException("connection closed");
      }
      return line.toString(UTF_8);
    }
  }
}
