package io.reactivemicro.rsocket.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.reactivemicro.codec.Codec;
import io.reactivemicro.codec.JsonCodec;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.transport.ClientTransport;
import io.reactivemicro.transport.ConnectionFailedException;
import io.reactivemicro.transport.OutboundRequest;
import io.reactivemicro.transport.TransportOptions;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.core.RSocketConnector;
import io.rsocket.exceptions.ApplicationErrorException;
import io.rsocket.exceptions.CanceledException;
import io.rsocket.exceptions.RejectedException;
import io.rsocket.frame.FrameLengthCodec;
import io.rsocket.frame.decoder.PayloadDecoder;
import io.rsocket.metadata.WellKnownMimeType;
import io.rsocket.transport.netty.client.TcpClientTransport;
import io.rsocket.util.ByteBufPayload;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.netty.tcp.TcpClient;
import reactor.util.context.Context;

/**
 * The client side: one RSocket connection per node address, shared by every call to it, opened on the
 * first call and opened again on the next call after it is lost. A failure to connect is reported as
 * {@link ConnectionFailedException}, so the client can try another node.
 */
public final class RSocketClientTransport implements ClientTransport {

  private static final String ID = "io.reactivemicro.client";
  private static final String CONNECTION_MIME = JsonCodec.CONTENT_TYPE;

  private static final int MAX_CACHED_METADATA = 4096;
  private static final ConcurrentHashMap<String, ConcurrentHashMap<String, byte[]>> ENCODED = new ConcurrentHashMap<>();
  private static final AtomicInteger CACHED_COUNT = new AtomicInteger();

  private final TransportOptions options;
  private final Map<String, Mono<RSocket>> connections = new ConcurrentHashMap<>();
  private final Set<RSocket> open = ConcurrentHashMap.newKeySet();
  /** The open connection of each address, for calls that need not wait for one. */
  private final Map<String, RSocket> ready = new ConcurrentHashMap<>();
  private final AtomicBoolean disposed = new AtomicBoolean();

  /**
   * Creates the transport.
   *
   * @param options settings
   */
  public RSocketClientTransport(TransportOptions options) {
    this.options = options;
  }

  @Override
  public Mono<Object> requestResponse(String address, OutboundRequest request, Codec.Decoder decoder) {
    return new ResponseMono(address, request, decoder);
  }

  @Override
  public Flux<Object> requestStream(String address, OutboundRequest request, Codec.Decoder decoder) {
    return connection(address).flatMapMany(rsocket -> rsocket.requestStream(payload(rsocket, request)))
        .map(payload -> decode(payload, decoder))
        .onErrorMap(e -> translate(address, e));
  }

  @Override
  public Flux<Object> requestChannel(String address, OutboundRequest request, Publisher<byte[]> rest,
      Codec.Decoder decoder) {
    return connection(address).flatMapMany(rsocket -> {
      Payload first = payload(rsocket, request);
      Flux<Payload> following = Flux.from(rest).map(bytes -> ByteBufPayload.create(Unpooled.wrappedBuffer(bytes)));
      return rsocket.requestChannel(Flux.concat(Mono.just(first), following));
    })
        .map(payload -> decode(payload, decoder))
        .onErrorMap(e -> translate(address, e));
  }

  @Override
  public Mono<Void> fireAndForget(String address, OutboundRequest request) {
    return connection(address).flatMap(rsocket -> rsocket.fireAndForget(payload(rsocket, request)))
        .onErrorMap(e -> translate(address, e));
  }

  @Override
  public void dispose() {
    if (disposed.compareAndSet(false, true)) {
      open.forEach(RSocket::dispose);
      open.clear();
      ready.clear();
      connections.clear();
    }
  }

  @Override
  public boolean isDisposed() {
    return disposed.get();
  }

  /**
   * Returns how many connections are open now: at most one per node address, however many calls share
   * it. For monitoring and tests.
   *
   * @return the number of open connections
   */
  public int openConnections() {
    return open.size();
  }

  private Mono<RSocket> connection(String address) {
    if (disposed.get()) {
      return Mono.error(new IllegalStateException("the client is disposed"));
    }
    return connections.computeIfAbsent(address, this::connect);
  }

  /** Returns the open connection to {@code address}, or {@code null} when a call must connect first. */
  private @Nullable RSocket ready(String address) {
    RSocket rsocket = ready.get(address);
    return rsocket == null || rsocket.isDisposed() || disposed.get() ? null : rsocket;
  }

  private Mono<RSocket> connect(String address) {
    HostPort hostPort = HostPort.parse(address);
    TcpClient tcp = TcpClient.create()
        .host(hostPort.host())
        .port(hostPort.port())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis());
    return RSocketConnector.create()
        .metadataMimeType(WellKnownMimeType.MESSAGE_RSOCKET_COMPOSITE_METADATA.getString())
        .dataMimeType(CONNECTION_MIME)
        .keepAlive(options.keepAliveInterval(), options.keepAliveMaxLifetime())
        .fragment(options.fragmentSize())
        .maxInboundPayloadSize(options.maxInboundPayloadSize())
        .payloadDecoder(PayloadDecoder.ZERO_COPY)
        .connect(TcpClientTransport.create(tcp,
            // RSocket refuses a frame limit above the payload limit.
            Math.min(options.maxInboundPayloadSize(), FrameLengthCodec.FRAME_LENGTH_MASK)))
        .onErrorMap(e -> !(e instanceof ConnectionFailedException), e -> new ConnectionFailedException(address, e))
        .doOnNext(rsocket -> {
          open.add(rsocket);
          ready.put(address, rsocket);
          rsocket.onClose().doFinally(s -> {
            open.remove(rsocket);
            ready.remove(address, rsocket);
          }).subscribe(v -> { }, e -> { });
          if (disposed.get()) {
            rsocket.dispose();
          }
        })
        // One connection per node, shared; a lost connection is replaced on the next call.
        .cacheInvalidateIf(RSocket::isDisposed);
  }

  /**
   * Returns a request's payload in pooled direct buffers: a frame whose parts are all direct is written
   * to the socket as it is, where heap parts would be merged into a new array and copied once more.
   */
  private static Payload payload(RSocket rsocket, OutboundRequest request) {
    byte[] data = request.data();
    ByteBuf metadata = metadata(request);
    return ByteBufPayload.create(ByteBufAllocator.DEFAULT.directBuffer(data.length).writeBytes(data), metadata);
  }

  /**
   * Encodes a request's metadata. Metadata without headers depends only on the endpoint and content
   * type, so it is encoded once and its bytes shared by later calls, for up to
   * {@value #MAX_CACHED_METADATA} such pairs; calls with headers are encoded each time.
   */
  static ByteBuf metadata(OutboundRequest request) {
    if (!request.metadata().isEmpty()) {
      return WireMetadata.encode(ByteBufAllocator.DEFAULT, request.endpoint(), request.contentType(), CONNECTION_MIME,
          request.metadata());
    }
    Map<String, byte[]> byEndpoint = ENCODED.get(request.contentType());
    byte[] bytes = byEndpoint == null ? null : byEndpoint.get(request.endpoint());
    if (bytes == null) {
      ByteBuf encoded = WireMetadata.encode(ByteBufAllocator.DEFAULT, request.endpoint(), request.contentType(),
          CONNECTION_MIME, request.metadata());
      try {
        bytes = ByteBufUtil.getBytes(encoded);
      } finally {
        encoded.release();
      }
      if (CACHED_COUNT.get() < MAX_CACHED_METADATA
          && ENCODED.computeIfAbsent(request.contentType(), type -> new ConcurrentHashMap<>())
              .putIfAbsent(request.endpoint(), bytes) == null) {
        CACHED_COUNT.incrementAndGet();
      }
    }
    return ByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
  }

  /**
   * A request-response call as one operator: when subscribed, it sends the request on the open
   * connection (or connects first), then decodes the response and translates errors, as
   * {@code defer}, {@code map} and {@code onErrorMap} would with one subscriber instead of three.
   */
  private final class ResponseMono extends Mono<Object> {

    private final String address;
    private final OutboundRequest request;
    private final Codec.Decoder decoder;

    ResponseMono(String address, OutboundRequest request, Codec.Decoder decoder) {
      this.address = address;
      this.request = request;
      this.decoder = decoder;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Object> actual) {
      Mono<Payload> sent;
      try {
        RSocket open = ready(address);
        sent = open != null ? open.requestResponse(payload(open, request))
            : connection(address).flatMap(rsocket -> rsocket.requestResponse(payload(rsocket, request)));
      } catch (Throwable t) {
        Operators.error(actual, translate(address, t));
        return;
      }
      sent.subscribe(new ResponseSubscriber(actual, address, decoder));
    }
  }

  /** Decodes the response and translates errors; see {@link ResponseMono}. */
  private static final class ResponseSubscriber implements CoreSubscriber<Payload>, Subscription {

    private final CoreSubscriber<? super Object> actual;
    private final String address;
    private final Codec.Decoder decoder;
    private @Nullable Subscription upstream;
    private boolean done;

    ResponseSubscriber(CoreSubscriber<? super Object> actual, String address, Codec.Decoder decoder) {
      this.actual = actual;
      this.address = address;
      this.decoder = decoder;
    }

    @Override
    public Context currentContext() {
      return actual.currentContext();
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (Operators.validate(upstream, s)) {
        upstream = s;
        actual.onSubscribe(this);
      }
    }

    @Override
    public void onNext(Payload payload) {
      if (done) {
        payload.release();
        return;
      }
      Object value;
      try {
        value = decode(payload, decoder);
      } catch (Throwable t) {
        done = true;
        Subscription s = upstream;
        if (s != null) {
          s.cancel();
        }
        actual.onError(translate(address, t));
        return;
      }
      actual.onNext(value);
    }

    @Override
    public void onError(Throwable error) {
      if (done) {
        Operators.onErrorDropped(error, actual.currentContext());
        return;
      }
      done = true;
      actual.onError(translate(address, error));
    }

    @Override
    public void onComplete() {
      if (done) {
        return;
      }
      done = true;
      actual.onComplete();
    }

    @Override
    public void request(long n) {
      Subscription s = upstream;
      if (s != null) {
        s.request(n);
      }
    }

    @Override
    public void cancel() {
      Subscription s = upstream;
      if (s != null) {
        s.cancel();
      }
    }
  }

  private static Object decode(Payload payload, Codec.Decoder decoder) {
    try {
      Object value = decoder.decode(payload.getData());
      if (value == null) {
        throw MicroException.internalServerError(ID, "the response decoded to nothing");
      }
      return value;
    } catch (io.reactivemicro.codec.CodecException e) {
      throw MicroException.internalServerError(ID, "cannot decode the response: %s", e.getMessage());
    } finally {
      payload.release();
    }
  }

  private static Throwable translate(String address, Throwable error) {
    if (error instanceof MicroException || error instanceof ConnectionFailedException) {
      return error;
    }
    if (error instanceof ApplicationErrorException) {
      return MicroException.parse(String.valueOf(error.getMessage()));
    }
    if (error instanceof CanceledException && String.valueOf(error.getMessage()).contains("out of allowed")) {
      return MicroException.payloadTooLarge(ID, "%s refused the request: %s", address, error.getMessage());
    }
    if (error instanceof RejectedException) {
      return MicroException.serviceUnavailable(ID, "%s rejected the request: %s", address, error.getMessage());
    }
    if (error instanceof ConnectException || error instanceof UnknownHostException) {
      return new ConnectionFailedException(address, error);
    }
    if (error instanceof ClosedChannelException || error instanceof IOException
        || error instanceof io.rsocket.exceptions.ConnectionErrorException
        || error instanceof io.rsocket.exceptions.ConnectionCloseException) {
      return MicroException.serviceUnavailable(ID, "connection to %s lost: %s", address, String.valueOf(error.getMessage()));
    }
    return MicroException.from(ID, error);
  }
}
