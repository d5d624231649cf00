package io.reactivemicro.rsocket.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.reactivemicro.codec.Codec;
import io.reactivemicro.codec.JsonCodec;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.internal.operator.MapStep;
import io.reactivemicro.transport.spi.ClientTransport;
import io.reactivemicro.transport.ConnectionFailedException;
import io.reactivemicro.transport.spi.OutboundRequest;
import io.reactivemicro.transport.TransportOptions;
import io.rsocket.Payload;
import io.rsocket.DuplexConnection;
import io.rsocket.RSocket;
import io.rsocket.core.RSocketConnector;
import io.rsocket.exceptions.ApplicationErrorException;
import io.rsocket.exceptions.CanceledException;
import io.rsocket.exceptions.RejectedException;
import io.rsocket.frame.FrameLengthCodec;
import io.rsocket.frame.decoder.PayloadDecoder;
import io.rsocket.metadata.WellKnownMimeType;
import io.rsocket.transport.netty.RSocketLengthCodec;
import io.rsocket.util.ByteBufPayload;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.tcp.TcpClient;
import reactor.util.context.Context;

/**
 * The client side: one RSocket connection per node address, shared by every call to it, opened on the
 * first call and opened again on the next call after it is lost. A failure to connect is reported as
 * {@link ConnectionFailedException}, so the client can try another node.
 *
 * <p>Each connection carries at most {@link TransportOptions#maxCallsPerConnection()} calls in flight; a
 * call beyond it fails at once with a 429, before anything is sent, as the server would refuse it. A
 * connection with no call for half of {@link TransportOptions#idleTimeout()} is closed, before the server
 * closes it, so that a call never races the server's close of an idle connection.
 */
public final class RSocketClientTransport implements ClientTransport {

  private static final String ID = "io.reactivemicro.client";
  private static final String CONNECTION_MIME = JsonCodec.CONTENT_TYPE;

  private static final int MAX_CACHED_METADATA = 4096;
  private static final ConcurrentHashMap<String, ConcurrentHashMap<String, byte[]>> ENCODED = new ConcurrentHashMap<>();
  private static final AtomicInteger CACHED_COUNT = new AtomicInteger();

  private final TransportOptions options;
  /** The connection each new call to an address takes: being opened, or open. */
  private final Map<String, Node> connections = new ConcurrentHashMap<>();
  /** Every open connection, including those no longer given to new calls and closing once idle. */
  private final Set<Node> live = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean disposed = new AtomicBoolean();
  private final long idleNanos;
  private final AtomicReference<@Nullable Disposable> idleScan = new AtomicReference<>();

  /**
   * Creates the transport.
   *
   * @param options settings
   */
  public RSocketClientTransport(TransportOptions options) {
    this.options = options;
    this.idleNanos = options.idleTimeout().toNanos() / 2;
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
  public Mono<Void> close() {
    return Mono.defer(() -> {
      if (!disposed.compareAndSet(false, true)) {
        return Mono.empty();
      }
      Disposable scan = idleScan.getAndSet(null);
      if (scan != null) {
        scan.dispose();
      }
      List<Mono<Void>> closed = new ArrayList<>();
      for (Node node : live) {
        RSocket rsocket = node.rsocket;
        if (rsocket != null) {
          rsocket.dispose();
          closed.add(rsocket.onClose().onErrorComplete());
        }
      }
      live.clear();
      connections.clear();
      return Mono.when(closed);
    });
  }

  /**
   * Returns how many connections are open now: at most one per node address, however many calls share
   * it, plus those closing once their last calls end. For monitoring and tests.
   *
   * @return the number of open connections
   */
  public int openConnections() {
    return live.size();
  }

  /**
   * Returns the connection to {@code address}, once open, for one more call; it fails with a 429 when the
   * connection has its maximum of calls in flight.
   */
  private Mono<RSocket> connection(String address) {
    Node node;
    try {
      node = node(address);
    } catch (IllegalStateException e) {
      return Mono.error(e);
    }
    return node.connection.flatMap(rsocket -> {
      MicroException refused = node.admit();
      return refused == null ? Mono.just(rsocket) : Mono.error(refused);
    });
  }

  private Node node(String address) {
    if (disposed.get()) {
      throw new IllegalStateException("the client is disposed");
    }
    Node node = connections.get(address);
    if (node == null || node.stale()) {
      node = connections.compute(address, (key, current) -> current == null || current.stale() ? new Node(key) : current);
    }
    node.connect();
    return node;
  }

  /**
   * The connection to one node address, opened once and shared by every call. Opening it is not tied to
   * the call that asked first: a call that times out or is cancelled while the connection is being set up
   * leaves the attempt running for the next call, and opening it fails within the connect timeout.
   * (Cancelling rsocket-java's connect part-way leaks its SETUP frame, which is released only once the
   * setup has gone through.) It counts its calls in flight as rsocket-java's requester starts and ends
   * them.
   */
  private final class Node {
    private final String address;
    private final Sinks.One<RSocket> opened = Sinks.one();
    /** The connection once open; it fails with {@link ConnectionFailedException} when it cannot be. */
    final Mono<RSocket> connection = opened.asMono();
    private final AtomicBoolean started = new AtomicBoolean();
    private final CallsInFlight calls = new CallsInFlight();
    volatile @Nullable RSocket rsocket;
    private volatile boolean failed;
    /** Set once the connection is no longer given to new calls, to be closed when its calls have ended. */
    private volatile boolean retiring;
    /** When the connection last had a call in flight, as the idle scan saw it. */
    private volatile long busyAt = System.nanoTime();

    Node(String address) {
      this.address = address;
    }

    /** Returns whether new calls must not take this connection: it failed, was lost or is retiring. */
    boolean stale() {
      RSocket current = rsocket;
      return failed || retiring || (current != null && current.isDisposed());
    }

    /** Opens the connection, once. */
    void connect() {
      if (!started.compareAndSet(false, true)) {
        return;
      }
      HostPort hostPort = HostPort.parse(address);
      TcpClient tcp = TcpClient.create()
          .host(hostPort.host())
          .port(hostPort.port())
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis());
      RSocketConnector.create()
          .metadataMimeType(WellKnownMimeType.MESSAGE_RSOCKET_COMPOSITE_METADATA.getString())
          .dataMimeType(CONNECTION_MIME)
          .keepAlive(options.keepAliveInterval(), options.keepAliveMaxLifetime())
          .fragment(options.fragmentSize())
          .maxInboundPayloadSize(options.maxInboundPayloadSize())
          .payloadDecoder(PayloadDecoder.ZERO_COPY)
          .interceptors(registry -> registry.forRequestsInRequester(requester -> calls))
          // RSocket refuses a frame limit above the payload limit.
          .connect(tcpTransport(tcp, Math.min(options.maxInboundPayloadSize(), FrameLengthCodec.FRAME_LENGTH_MASK)))
          .subscribe(this::open, this::fail);
    }

    /**
     * rsocket-java's TCP transport, with this library's connection: small frames leave as one buffer
     * each ({@link Frames}) instead of a composite of the length prefix, header and payload.
     */
    private io.rsocket.transport.ClientTransport tcpTransport(TcpClient tcp, int maxFrameLength) {
      return new io.rsocket.transport.ClientTransport() {
        @Override
        public int maxFrameLength() {
          return maxFrameLength;
        }

        @Override
        public Mono<DuplexConnection> connect() {
          return tcp.doOnConnected(connection -> connection.addHandlerLast(new RSocketLengthCodec(maxFrameLength)))
              .connect()
              .map(connection -> new TransportConnection(connection, false, null));
        }
      };
    }

    private void open(RSocket open) {
      rsocket = open;
      live.add(this);
      open.onClose().doFinally(s -> {
        live.remove(this);
        connections.remove(address, this);
      }).subscribe(v -> { }, e -> { });
      if (disposed.get()) {
        open.dispose();
      }
      startIdleScan();
      opened.tryEmitValue(open);
    }

    private void fail(Throwable error) {
      failed = true;
      connections.remove(address, this);
      opened.tryEmitError(error instanceof ConnectionFailedException ? error : new ConnectionFailedException(address, error));
    }

    /** Returns {@code null} when one more call may start on this connection, else the 429 to fail it with. */
    @Nullable MicroException admit() {
      if (calls.get() >= options.maxCallsPerConnection()) {
        return MicroException.tooManyRequests(ID, "more than %d calls in flight to %s",
            options.maxCallsPerConnection(), address);
      }
      return null;
    }

    /**
     * Closes the connection in two steps once it has been without calls for half the idle timeout: it
     * stops being given to new calls, then, at the next scan with no call in flight (one that took it just
     * before may still be starting), it is closed.
     */
    void closeIfIdle(long now) {
      RSocket current = rsocket;
      if (current == null || current.isDisposed()) {
        return;
      }
      if (calls.get() > 0) {
        busyAt = now;
      } else if (retiring) {
        current.dispose();
      } else if (now - busyAt >= idleNanos) {
        retiring = true;
        connections.remove(address, this);
      }
    }
  }

  /** Starts, once, the scan that closes idle connections, a few times per idle timeout. */
  private void startIdleScan() {
    if (idleScan.get() != null || disposed.get()) {
      return;
    }
    long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), idleNanos / 4);
    Disposable scan = Schedulers.parallel().schedulePeriodically(() -> {
      long now = System.nanoTime();
      for (Node node : live) {
        node.closeIfIdle(now);
      }
    }, period, period, TimeUnit.NANOSECONDS);
    if (!idleScan.compareAndSet(null, scan) || disposed.get()) {
      scan.dispose();
    }
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
  private final class ResponseMono extends Mono<Object> implements MapStep.Mapping<Payload, Object> {

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
        Node node = node(address);
        RSocket open = node.rsocket;
        if (open != null && !open.isDisposed()) {
          MicroException refused = node.admit();
          if (refused != null) {
            Operators.error(actual, refused);
            return;
          }
          sent = open.requestResponse(payload(open, request));
        } else {
          sent = connection(address).flatMap(rsocket -> rsocket.requestResponse(payload(rsocket, request)));
        }
      } catch (Throwable t) {
        Operators.error(actual, translate(address, t));
        return;
      }
      sent.subscribe(MapStep.subscriber(actual, this));
    }

    // The call is its own mapping: the response decoded, errors translated, a late payload released.
    @Override
    public Object mapValue(Payload payload) {
      return decode(payload, decoder);
    }

    @Override
    public Throwable mapError(Throwable error) {
      return translate(address, error);
    }

    @Override
    public void dropped(Payload payload, Context context) {
      payload.release();
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
      String message = String.valueOf(error.getMessage());
      // A server of ours says why in Go Micro's error JSON, such as a 429 for too many calls in flight.
      return message.startsWith("{") ? MicroException.parse(message)
          : MicroException.serviceUnavailable(ID, "%s rejected the request: %s", address, message);
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
