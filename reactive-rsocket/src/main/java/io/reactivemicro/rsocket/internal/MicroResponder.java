package io.reactivemicro.rsocket.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.internal.operator.MapStep;
import io.reactivemicro.server.spi.EndpointCodec;
import io.reactivemicro.server.spi.Router;
import io.reactivemicro.server.spi.ServerEndpoint;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.exceptions.ApplicationErrorException;
import io.rsocket.util.ByteBufPayload;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.context.Context;

/**
 * Serves the requests of one RSocket connection: reads the route, content type and headers from the
 * metadata, decodes the data with the endpoint's codec, releases the payload, and calls the endpoint.
 * Errors leave as {@code APPLICATION_ERROR} frames whose message is Go Micro's error JSON.
 */
final class MicroResponder implements RSocket {

  private static final Logger LOG = Loggers.getLogger(MicroResponder.class);

  private final Router router;
  private final String metadataMimeType;
  private final String contentType;
  private final int maxPayloadSize;
  private final OutboundPressure pressure;
  /**
   * What recent metadata resolved to, so the same metadata bytes on this connection (a client calling
   * one endpoint again and again) are decoded once. Small and fixed in size; replaced round-robin.
   */
  private final @Nullable Resolved[] resolved = new Resolved[RESOLVED_SLOTS];
  private int nextSlot;

  private static final int RESOLVED_SLOTS = 8;
  private static final int MAX_RESOLVED_METADATA = 256;

  /** Metadata bytes and what they resolved to; immutable. */
  private record Resolved(ByteBuf bytes, ServerEndpoint endpoint, EndpointCodec codec, WireMetadata.Inbound inbound) {

    boolean matches(ByteBuf metadata) {
      int length = metadata.readableBytes();
      return length == bytes.readableBytes() && ByteBufUtil.equals(metadata, metadata.readerIndex(), bytes, 0, length);
    }
  }

  /** The decoded first request of a call, with where it goes; or the error to answer a bad one with. */
  private record Call(@Nullable ServerEndpoint endpoint, @Nullable EndpointCodec codec,
      WireMetadata.@Nullable Inbound inbound, @Nullable Object request, @Nullable Throwable error) {

    static Call failed(MicroException error) {
      return new Call(null, null, null, null, wire(error));
    }
  }

  MicroResponder(Router router, String metadataMimeType, String contentType, int maxPayloadSize,
      OutboundPressure pressure) {
    this.router = router;
    this.metadataMimeType = metadataMimeType;
    this.contentType = contentType;
    this.maxPayloadSize = maxPayloadSize;
    this.pressure = pressure;
  }

  @Override
  public Mono<Void> fireAndForget(Payload payload) {
    Call call = acceptAndRelease(payload);
    if (call.error != null) {
      return Mono.error(call.error);
    }
    return call.endpoint.fireAndForget(call.request, call.inbound.metadata()).onErrorResume(e -> Mono.empty());
  }

  @Override
  public Mono<Payload> requestResponse(Payload payload) {
    // As acceptAndRelease, without a Call per request.
    Resolved target;
    Object request;
    try {
      target = target(payload);
      request = target.codec.decode(payload.getData());
    } catch (MicroException e) {
      return Mono.error(wire(e));
    } finally {
      payload.release();
    }
    return new EncodedMono(target.endpoint.requestResponse(request, target.inbound.metadata()), target.codec);
  }

  @Override
  public Flux<Payload> requestStream(Payload payload) {
    Call call = acceptAndRelease(payload);
    if (call.error != null) {
      return Flux.error(call.error);
    }
    EndpointCodec codec = call.codec;
    return new PacedFlux<>(call.endpoint.requestStream(call.request, call.inbound.metadata())
        .map(response -> encode(codec, response))
        .onErrorMap(MicroResponder::wire), pressure);
  }

  @Override
  public Flux<Payload> requestChannel(Publisher<Payload> payloads) {
    return Flux.from(payloads).switchOnFirst((first, all) -> {
      Payload head = first.get();
      if (head == null) {
        return first.isOnError() ? Flux.error(wire(MicroException.from(router.serviceName(),
            java.util.Objects.requireNonNull(first.getThrowable())))) : Flux.empty();
      }
      Call call;
      try {
        // The first payload is decoded again with the others below; here only its metadata is read.
        call = accept(head, false);
      } catch (MicroException e) {
        return Flux.error(wire(e));
      }
      EndpointCodec codec = call.codec;
      Flux<Object> requests = all.<Object>handle((payload, sink) -> {
        try {
          checkSize(payload);
          Object request = codec.decode(payload.getData());
          if (request != null) {
            sink.next(request);
          }
        } catch (MicroException e) {
          sink.error(e);
        } finally {
          payload.release();
        }
      });
      return new PacedFlux<>(call.endpoint.requestChannel(requests, call.inbound.metadata())
          .map(response -> encode(codec, response))
          .onErrorMap(MicroResponder::wire), pressure);
    }, false)
        .doOnDiscard(Payload.class, MicroResponder::releaseQuietly)
        .contextWrite(QUIET_CANCELLATIONS);
  }

  /**
   * Once a channel's responses have failed, rsocket-java ends its requests with a
   * {@link CancellationException} that nothing is left to receive, and Reactor logs such a dropped error
   * at ERROR with its stack trace: a peer calling a channel wrongly would decide how much the server logs.
   * These are logged at DEBUG; any other dropped error as Reactor would.
   */
  private static final Context QUIET_CANCELLATIONS = Context.of("reactor.onErrorDropped.local",
      (Consumer<Throwable>) error -> {
        if (error instanceof CancellationException) {
          LOG.debug("dropped after the channel ended: {}", error.toString());
        } else {
          Operators.onErrorDropped(error, Context.empty());
        }
      });

  /** Accepts a request-response, request-stream or fire-and-forget request, releasing its payload. */
  private Call acceptAndRelease(Payload payload) {
    try {
      return accept(payload, true);
    } catch (MicroException e) {
      return Call.failed(e);
    } finally {
      payload.release();
    }
  }

  private Call accept(Payload payload, boolean decodeData) {
    Resolved target = target(payload);
    Object request = decodeData ? target.codec.decode(payload.getData()) : null;
    return new Call(target.endpoint, target.codec, target.inbound, request, null);
  }

  /** Checks a request's size and resolves its metadata to where it goes. */
  private Resolved target(Payload payload) {
    checkSize(payload);
    if (!payload.hasMetadata()) {
      throw MicroException.badRequest(router.serviceName(),
          "no metadata: send the endpoint, such as Helloworld.Greeting, in the routing metadata extension");
    }
    return resolve(payload.metadata());
  }

  /**
   * Resolves metadata to its endpoint, codec and headers, from the cache when these bytes were seen
   * before. Requests of one connection arrive on its event loop, so the cache is not shared between
   * threads; a stale read would only cost a decode.
   */
  private Resolved resolve(ByteBuf metadata) {
    for (Resolved candidate : resolved) {
      if (candidate != null && candidate.matches(metadata)) {
        return candidate;
      }
    }
    WireMetadata.Inbound inbound = WireMetadata.decode(metadata, metadataMimeType, contentType, router.serviceName());
    ServerEndpoint endpoint = router.require(inbound.route());
    EndpointCodec codec = endpoint.codec(inbound.contentType());
    int length = metadata.readableBytes();
    if (length > MAX_RESOLVED_METADATA) {
      return new Resolved(Unpooled.EMPTY_BUFFER, endpoint, codec, inbound);
    }
    byte[] copy = new byte[length];
    metadata.getBytes(metadata.readerIndex(), copy);
    Resolved fresh = new Resolved(Unpooled.wrappedBuffer(copy), endpoint, codec, inbound);
    resolved[nextSlot] = fresh;
    nextSlot = (nextSlot + 1) % RESOLVED_SLOTS;
    return fresh;
  }

  private void checkSize(Payload payload) {
    ByteBuf data = payload.data();
    if (data.readableBytes() > maxPayloadSize) {
      throw MicroException.payloadTooLarge(router.serviceName(), "payload of %d bytes exceeds the maximum of %d bytes",
          data.readableBytes(), maxPayloadSize);
    }
  }

  /**
   * Returns a response's payload, encoded straight into a pooled direct buffer: a frame whose parts are
   * all direct is written to the socket as it is, where a heap part would be merged into a new array
   * and copied again.
   */
  private static Payload encode(EndpointCodec codec, Object response) {
    ByteBuf data = ByteBufAllocator.DEFAULT.directBuffer();
    try {
      codec.encode(response, new ByteBufOutputStream(data));
      return ByteBufPayload.create(data);
    } catch (RuntimeException | Error e) {
      data.release();
      throw e;
    }
  }

  /**
   * A request-response call's answer: the response encoded, an error as {@code APPLICATION_ERROR}, as
   * {@code map} and {@code onErrorMap} would with one subscriber instead of two; the operator is its own
   * mapping, so a call makes two objects.
   */
  private static final class EncodedMono extends MapStep<Object, Payload> implements MapStep.Mapping<Object, Payload> {

    private final EndpointCodec codec;

    EncodedMono(Mono<Object> response, EndpointCodec codec) {
      super(response);
      this.codec = codec;
    }

    @Override
    public Payload mapValue(Object value) {
      return encode(codec, value);
    }

    @Override
    public Throwable mapError(Throwable error) {
      return wire(error);
    }

    @Override
    public void dropped(Object value, Context context) {
      Operators.onDiscard(value, context);
    }
  }

  private static Throwable wire(Throwable error) {
    if (error instanceof ApplicationErrorException) {
      return error;
    }
    MicroException micro = error instanceof MicroException me ? me : MicroException.from("", error);
    return new ApplicationErrorException(micro.toJson());
  }

  private static void releaseQuietly(Payload payload) {
    if (payload.refCnt() > 0) {
      ReferenceCountUtil.safeRelease(payload);
    }
  }
}
