package io.reactivemicro.samples.helloworld.clients;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.core.RSocketConnector;
import io.rsocket.metadata.CompositeMetadataCodec;
import io.rsocket.metadata.RoutingMetadata;
import io.rsocket.metadata.TaggingMetadataCodec;
import io.rsocket.metadata.WellKnownMimeType;
import io.rsocket.transport.netty.client.TcpClientTransport;
import io.rsocket.util.ByteBufPayload;
import io.rsocket.util.DefaultPayload;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls helloworld with nothing but rsocket-java, the way any RSocket implementation can.
 *
 * <p>The wire contract: the SETUP frame declares {@code message/x.rsocket.composite-metadata.v0}
 * metadata and {@code application/json} data; each request carries the endpoint, such as
 * {@code Helloworld.Greeting}, in the routing extension of its metadata (on a channel, only the first
 * payload needs it); the data is the request as JSON and every reply is a JSON document. A failed call
 * ends with an {@code APPLICATION_ERROR} whose message is Go Micro's error JSON,
 * {@code {"id":"helloworld","code":400,"detail":"name is required","status":"Bad Request"}}.
 */
public final class RawRSocketClient implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final RSocket rsocket;

  private RawRSocketClient(RSocket rsocket) {
    this.rsocket = rsocket;
  }

  /**
   * Opens one RSocket connection over TCP.
   *
   * @param host the service's host
   * @param port the service's port
   * @return the connected client
   */
  public static Mono<RawRSocketClient> connect(String host, int port) {
    return RSocketConnector.create()
        .metadataMimeType(WellKnownMimeType.MESSAGE_RSOCKET_COMPOSITE_METADATA.getString())
        .dataMimeType(WellKnownMimeType.APPLICATION_JSON.getString())
        .connect(TcpClientTransport.create(host, port))
        .map(RawRSocketClient::new);
  }

  /**
   * Request-response: sends one JSON request to an endpoint and answers its JSON reply.
   *
   * @param route the endpoint, such as {@code Helloworld.Greeting}
   * @param json the request
   * @return the reply
   */
  public Mono<String> requestResponse(String route, String json) {
    // Deferred so that a payload is only allocated for a subscriber, which then owns and releases it.
    return Mono.defer(() -> rsocket.requestResponse(routed(route, json))).map(RawRSocketClient::utf8);
  }

  /**
   * Request-stream: sends one JSON request and answers each JSON reply as it arrives.
   *
   * @param route the endpoint, such as {@code Helloworld.Stream}
   * @param json the request
   * @return the replies
   */
  public Flux<String> requestStream(String route, String json) {
    return Flux.defer(() -> rsocket.requestStream(routed(route, json))).map(RawRSocketClient::utf8);
  }

  /**
   * Channel: sends JSON requests as they come, the first one with the route, and answers the replies.
   *
   * @param route the endpoint, such as {@code Helloworld.Chat}
   * @param jsons the requests
   * @return the replies
   */
  public Flux<String> requestChannel(String route, Publisher<String> jsons) {
    Flux<Payload> payloads = Flux.from(jsons)
        .index((i, json) -> i == 0 ? routed(route, json) : DefaultPayload.create(json));
    return rsocket.requestChannel(payloads).map(RawRSocketClient::utf8);
  }

  /** Closes the connection. */
  @Override
  public void close() {
    rsocket.dispose();
  }

  /**
   * A payload whose metadata is composite metadata with one entry, the routing extension naming the
   * endpoint; {@code CompositeMetadataCodec} and {@code TaggingMetadataCodec} write the bytes the
   * extension specifications define.
   */
  static Payload routed(String route, String json) {
    ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
    RoutingMetadata routing = TaggingMetadataCodec.createRoutingMetadata(alloc, List.of(route));
    CompositeByteBuf metadata = alloc.compositeBuffer();
    CompositeMetadataCodec.encodeAndAddMetadata(metadata, alloc, WellKnownMimeType.MESSAGE_RSOCKET_ROUTING,
        routing.getContent());
    ByteBuf data = Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8));
    return ByteBufPayload.create(data, metadata);
  }

  private static String utf8(Payload payload) {
    try {
      return payload.getDataUtf8();
    } finally {
      payload.release();
    }
  }

  /**
   * Greets alice, streams three greetings for bob and chats with carol and dave.
   *
   * @param args an optional address, {@code 127.0.0.1:8080} by default
   */
  public static void main(String[] args) {
    Address address = Address.fromArgs(args);
    try (RawRSocketClient client = connect(address.host(), address.port()).block(TIMEOUT)) {
      String reply = client.requestResponse("Helloworld.Greeting", "{\"name\":\"alice\"}").block(TIMEOUT);
      System.out.println(JSON.readValue(reply, Greeting.class).message());

      client.requestStream("Helloworld.Stream", JSON.writeValueAsString(Map.of("name", "bob", "count", 3)))
          .map(json -> JSON.readValue(json, Greeting.class).message())
          .doOnNext(System.out::println)
          .blockLast(TIMEOUT);

      client.requestChannel("Helloworld.Chat",
              Flux.just("carol", "dave").map(name -> JSON.writeValueAsString(Map.of("name", name))))
          .map(json -> JSON.readValue(json, Greeting.class).message())
          .doOnNext(System.out::println)
          .blockLast(TIMEOUT);
    }
  }
}
