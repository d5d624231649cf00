package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.RpcTestSupport.LOOPBACK;
import static io.reactivemicro.rsocket.RpcTestSupport.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.reactivemicro.Service;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.rsocket.RpcTestSupport.Reply;
import io.reactivemicro.rsocket.RpcTestSupport.Req;
import io.reactivemicro.rsocket.RpcTestSupport.StreamReq;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.core.RSocketConnector;
import io.rsocket.exceptions.ApplicationErrorException;
import io.rsocket.metadata.CompositeMetadataCodec;
import io.rsocket.metadata.MimeTypeMetadataCodec;
import io.rsocket.metadata.RoutingMetadata;
import io.rsocket.metadata.TaggingMetadataCodec;
import io.rsocket.metadata.WellKnownMimeType;
import io.rsocket.transport.ClientTransport;
import io.rsocket.transport.netty.client.TcpClientTransport;
import io.rsocket.transport.netty.client.WebsocketClientTransport;
import io.rsocket.util.ByteBufPayload;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Plain rsocket-java clients, which know nothing of this project, call the server over TCP and over
 * WebSocket on the same port with composite metadata: the wire contract other languages rely on.
 */
class RawRSocketClientTest {

  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  /** Endpoints {@code Raw.*}. */
  public static final class Raw {
    public Mono<Reply> hello(Req request) {
      return Mono.just(new Reply("Hello " + request.name()));
    }

    public Flux<Reply> count(StreamReq request) {
      return Flux.range(1, request.count()).map(i -> new Reply(request.name() + " #" + i));
    }

    public Mono<byte[]> reverse(byte[] bytes) {
      byte[] reversed = new byte[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        reversed[i] = bytes[bytes.length - 1 - i];
      }
      return Mono.just(reversed);
    }
  }

  static final Registry registry = Registry.memory();
  static Service service;
  static int port;
  final List<RSocket> sockets = new ArrayList<>();

  @BeforeAll
  static void start() {
    service = RpcTestSupport.started(Service.builder("raw").address(LOOPBACK).registry(registry).handler(new Raw()));
    String address = RpcTestSupport.addressOf(service);
    port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  @AfterAll
  static void stop() {
    RpcTestSupport.stop(service);
  }

  @AfterEach
  void disconnect() {
    for (RSocket socket : sockets) {
      socket.dispose();
      socket.onClose().onErrorResume(e -> Mono.empty()).block(TIMEOUT);
    }
  }

  @Test
  void aWebSocketClientCallsRequestResponseAndGetsJson() {
    RSocket socket = connect(WebsocketClientTransport.create(URI.create("ws://127.0.0.1:" + port + "/rsocket")));
    StepVerifier.create(socket.requestResponse(json("Raw.Hello", "{\"name\":\"ws\"}")).map(RawRSocketClientTest::text))
        .expectNext("{\"message\":\"Hello ws\"}")
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void aWebSocketClientCallsRequestStream() {
    RSocket socket = connect(WebsocketClientTransport.create(URI.create("ws://127.0.0.1:" + port + "/rsocket")));
    StepVerifier.create(socket.requestStream(json("Raw.Count", "{\"name\":\"w\",\"count\":2}"))
            .map(RawRSocketClientTest::text))
        .expectNext("{\"message\":\"w #1\"}", "{\"message\":\"w #2\"}")
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void aTcpClientCallsRequestResponseAndGetsJson() {
    RSocket socket = connect(TcpClientTransport.create("127.0.0.1", port));
    StepVerifier.create(socket.requestResponse(json("Raw.Hello", "{\"name\":\"tcp\"}")).map(RawRSocketClientTest::text))
        .expectNext("{\"message\":\"Hello tcp\"}")
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void aTcpClientCallsRequestStreamWithItsOwnDemand() {
    RSocket socket = connect(TcpClientTransport.create("127.0.0.1", port));
    StepVerifier.create(socket.requestStream(json("Raw.Count", "{\"name\":\"t\",\"count\":3}"))
            .map(RawRSocketClientTest::text), 1)
        .expectNext("{\"message\":\"t #1\"}")
        .thenRequest(2)
        .expectNext("{\"message\":\"t #2\"}", "{\"message\":\"t #3\"}")
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void aPerStreamMimeTypeSelectsTheBytesCodec() {
    RSocket socket = connect(TcpClientTransport.create("127.0.0.1", port));
    CompositeByteBuf metadata = routing("Raw.Reverse");
    CompositeMetadataCodec.encodeAndAddMetadata(metadata, ALLOC, WellKnownMimeType.MESSAGE_RSOCKET_MIMETYPE,
        MimeTypeMetadataCodec.encode(ALLOC, WellKnownMimeType.APPLICATION_OCTET_STREAM));
    Payload request = ByteBufPayload.create(Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 0, (byte) 0xff}), metadata);
    StepVerifier.create(socket.requestResponse(request).map(RawRSocketClientTest::bytes))
        .assertNext(reply -> assertThat(reply).containsExactly((byte) 0xff, 0, 3, 2, 1))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void anUnknownRouteIsAnApplicationErrorCarryingGoMicrosErrorJson() {
    RSocket socket = connect(WebsocketClientTransport.create(URI.create("ws://127.0.0.1:" + port + "/rsocket")));
    StepVerifier.create(socket.requestResponse(json("Raw.Missing", "{}")))
        .expectErrorSatisfies(error -> {
          assertThat(error).isInstanceOf(ApplicationErrorException.class);
          MicroException parsed = MicroException.parse(error.getMessage());
          assertThat(parsed.code()).isEqualTo(404);
          assertThat(parsed.id()).isEqualTo("raw");
          assertThat(parsed.detail()).contains("Raw.Missing");
        })
        .verify(TIMEOUT);
  }

  private RSocket connect(ClientTransport transport) {
    RSocket socket = RSocketConnector.create()
        .metadataMimeType(WellKnownMimeType.MESSAGE_RSOCKET_COMPOSITE_METADATA.getString())
        .dataMimeType(WellKnownMimeType.APPLICATION_JSON.getString())
        .connect(transport)
        .block(TIMEOUT);
    sockets.add(socket);
    return socket;
  }

  private static CompositeByteBuf routing(String endpoint) {
    CompositeByteBuf metadata = ALLOC.compositeBuffer();
    RoutingMetadata route = TaggingMetadataCodec.createRoutingMetadata(ALLOC, List.of(endpoint));
    CompositeMetadataCodec.encodeAndAddMetadata(metadata, ALLOC, WellKnownMimeType.MESSAGE_RSOCKET_ROUTING,
        route.getContent());
    return metadata;
  }

  private static Payload json(String endpoint, String body) {
    ByteBuf data = Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8));
    return ByteBufPayload.create(data, routing(endpoint));
  }

  private static String text(Payload payload) {
    try {
      return payload.getDataUtf8();
    } finally {
      payload.release();
    }
  }

  private static byte[] bytes(Payload payload) {
    try {
      ByteBuf data = payload.data();
      byte[] copy = new byte[data.readableBytes()];
      data.getBytes(data.readerIndex(), copy);
      return copy;
    } finally {
      payload.release();
    }
  }
}
