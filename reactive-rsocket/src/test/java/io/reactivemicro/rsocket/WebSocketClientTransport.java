package io.reactivemicro.rsocket;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.reactivemicro.codec.Codec;
import io.reactivemicro.codec.CodecException;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.rsocket.internal.WireMetadata;
import io.reactivemicro.transport.spi.ClientTransport;
import io.reactivemicro.transport.spi.OutboundRequest;
import io.reactivemicro.transport.TransportOptions;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.core.RSocketConnector;
import io.rsocket.exceptions.ApplicationErrorException;
import io.rsocket.frame.decoder.PayloadDecoder;
import io.rsocket.metadata.WellKnownMimeType;
import io.rsocket.transport.netty.client.WebsocketClientTransport;
import io.rsocket.util.ByteBufPayload;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A client side of the RSocket transport over WebSocket ({@code ws://host:port/rsocket}), for the tests:
 * the client of {@code reactive-rsocket} speaks TCP only. One connection per address, opened on the first
 * call; requests carry the same composite metadata as over TCP, and {@code APPLICATION_ERROR} frames
 * become the {@link MicroException} they carry.
 */
final class WebSocketClientTransport implements ClientTransport {

  private static final String ID = "websocket-test-client";
  private static final String CONNECTION_MIME = "application/json";

  private final TransportOptions options;
  private final Map<String, Mono<RSocket>> connections = new ConcurrentHashMap<>();
  private volatile boolean disposed;

  WebSocketClientTransport(TransportOptions options) {
    this.options = options;
  }

  @Override
  public Mono<Object> requestResponse(String address, OutboundRequest request, Codec.Decoder decoder) {
    return connection(address).flatMap(rsocket -> rsocket.requestResponse(payload(request)))
        .map(payload -> decode(payload, decoder))
        .onErrorMap(WebSocketClientTransport::translate);
  }

  @Override
  public Flux<Object> requestStream(String address, OutboundRequest request, Codec.Decoder decoder) {
    return connection(address).flatMapMany(rsocket -> rsocket.requestStream(payload(request)))
        .map(payload -> decode(payload, decoder))
        .onErrorMap(WebSocketClientTransport::translate);
  }

  @Override
  public Flux<Object> requestChannel(String address, OutboundRequest request, Publisher<byte[]> rest,
      Codec.Decoder decoder) {
    return connection(address).flatMapMany(rsocket -> rsocket.requestChannel(Flux.concat(
            Mono.fromSupplier(() -> payload(request)),
            Flux.from(rest).map(bytes -> ByteBufPayload.create(Unpooled.wrappedBuffer(bytes))))))
        .map(payload -> decode(payload, decoder))
        .onErrorMap(WebSocketClientTransport::translate);
  }

  @Override
  public Mono<Void> fireAndForget(String address, OutboundRequest request) {
    return connection(address).flatMap(rsocket -> rsocket.fireAndForget(payload(request)))
        .onErrorMap(WebSocketClientTransport::translate);
  }

  @Override
  public Mono<Void> close() {
    return Mono.fromRunnable(() -> {
      disposed = true;
      connections.values().forEach(connection -> connection.subscribe(RSocket::dispose, e -> { }));
      connections.clear();
    });
  }

  private Mono<RSocket> connection(String address) {
    if (disposed) {
      return Mono.error(new IllegalStateException("the client is closed"));
    }
    return connections.computeIfAbsent(address, key -> RSocketConnector.create()
        .metadataMimeType(WellKnownMimeType.MESSAGE_RSOCKET_COMPOSITE_METADATA.getString())
        .dataMimeType(CONNECTION_MIME)
        .keepAlive(options.keepAliveInterval(), options.keepAliveMaxLifetime())
        .fragment(options.fragmentSize())
        .maxInboundPayloadSize(options.maxInboundPayloadSize())
        .payloadDecoder(PayloadDecoder.ZERO_COPY)
        // The server's fragments, with their frame headers, must fit in one WebSocket message.
        .connect(WebsocketClientTransport.create(URI.create("ws://" + key + "/rsocket"))
            .webSocketSpec(spec -> spec.maxFramePayloadLength(options.fragmentSize() + 1024)))
        .cache());
  }

  private static Payload payload(OutboundRequest request) {
    byte[] data = request.data();
    return ByteBufPayload.create(ByteBufAllocator.DEFAULT.directBuffer(data.length).writeBytes(data),
        WireMetadata.encode(ByteBufAllocator.DEFAULT, request.endpoint(), request.contentType(), CONNECTION_MIME,
            request.metadata()));
  }

  private static Object decode(Payload payload, Codec.Decoder decoder) {
    try {
      Object value = decoder.decode(payload.getData());
      if (value == null) {
        throw MicroException.internalServerError(ID, "the response decoded to nothing");
      }
      return value;
    } catch (CodecException e) {
      throw MicroException.internalServerError(ID, "cannot decode the response: %s", e.getMessage());
    } finally {
      payload.release();
    }
  }

  private static Throwable translate(Throwable error) {
    if (error instanceof MicroException) {
      return error;
    }
    if (error instanceof ApplicationErrorException) {
      return MicroException.parse(String.valueOf(error.getMessage()));
    }
    return MicroException.from(ID, error);
  }
}
