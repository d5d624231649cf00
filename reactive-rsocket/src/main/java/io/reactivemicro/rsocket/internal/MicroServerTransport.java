package io.reactivemicro.rsocket.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.reactivemicro.server.spi.Router;
import io.reactivemicro.transport.spi.Listener;
import io.reactivemicro.transport.spi.ServerTransport;
import io.reactivemicro.transport.TransportOptions;
import io.rsocket.DuplexConnection;
import io.rsocket.RSocket;
import io.rsocket.core.RSocketServer;
import io.rsocket.frame.decoder.PayloadDecoder;
import io.rsocket.transport.ServerTransport.ConnectionAcceptor;
import io.rsocket.transport.netty.RSocketLengthCodec;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Binds one port that speaks RSocket over TCP, RSocket over WebSocket on {@code /rsocket}, and HTTP/1.1,
 * told apart by each connection's first bytes.
 *
 * <p>Each connection gets handlers that bound what its peer can make the server hold: at most
 * {@code maxConnections} connections, reading paused while a connection's outbound buffer is above
 * {@value #WRITE_BUFFER_HIGH_WATER_MARK} bytes ({@link OutboundPressure}), RSocket frames checked and calls
 * in flight limited ({@link FrameGuard}), streams paced to the connection ({@link PacedFlux}), and HTTP
 * requests timed ({@link HttpTimeouts}). {@code docs/limits.md} lists every limit.
 */
public final class MicroServerTransport implements ServerTransport {

  private static final Logger LOG = Loggers.getLogger(MicroServerTransport.class);
  private static final int MAX_FRAME_LENGTH = 0xFFFFFF;
  /** The path RSocket over WebSocket is served on. */
  public static final String WEBSOCKET_PATH = "/rsocket";
  /** Above this many bytes waiting to be written, a connection is unwritable and is no longer read. */
  static final int WRITE_BUFFER_HIGH_WATER_MARK = 64 * 1024;
  /** Below this many bytes waiting to be written, an unwritable connection is writable and read again. */
  static final int WRITE_BUFFER_LOW_WATER_MARK = 32 * 1024;

  private final TransportOptions options;

  /**
   * Creates the transport.
   *
   * @param options settings
   */
  public MicroServerTransport(TransportOptions options) {
    this.options = options;
  }

  @Override
  public Mono<Listener> bind(String address, Router router) {
    return Mono.defer(() -> {
      HostPort hostPort = HostPort.parse(address);
      // RSocket refuses a frame limit above the payload limit, so a smaller payload limit lowers both.
      int maxFrameLength = Math.min(options.maxInboundPayloadSize(), MAX_FRAME_LENGTH);
      Set<RSocket> peers = ConcurrentHashMap.newKeySet();
      ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
      ConnectionLimit limit = new ConnectionLimit(router.serviceName(), options.maxConnections());
      String service = router.serviceName();
      ProtocolDetector.Switch handover = new ProtocolDetector.Switch() {
        @Override
        public void rsocket(ChannelHandlerContext ctx) {
          OutboundPressure pressure = new OutboundPressure();
          ctx.pipeline().addAfter(ctx.name(), "micro.pressure", pressure);
          Connection connection = Connection.from(ctx.channel());
          connection.addHandlerLast("micro.length", new RSocketLengthCodec(maxFrameLength));
          FrameGuard guard = new FrameGuard(service, false, pressure, options);
          connection.addHandlerLast("micro.frames", guard);
          serve(router, peers, connection, new TransportConnection(connection, false, pressure), guard, pressure,
              maxFrameLength);
        }

        @Override
        public void http(ChannelHandlerContext ctx) {
          int maxWebSocketFrame = Math.min(options.maxInboundPayloadSize(), MAX_FRAME_LENGTH);
          WebSocketServerProtocolConfig websocket = WebSocketServerProtocolConfig.newBuilder()
              .websocketPath(WEBSOCKET_PATH)
              .maxFramePayloadLength(maxWebSocketFrame)
              .handleCloseFrames(true)
              .build();
          OutboundPressure pressure = new OutboundPressure();
          HttpTimeouts timeouts = new HttpTimeouts(service, pressure, options);
          ctx.pipeline()
              .addAfter(ctx.name(), "micro.pressure", pressure)
              .addAfter("micro.pressure", "micro.http.timeouts", timeouts)
              .addAfter("micro.http.timeouts", "micro.http.codec", new HttpServerCodec())
              .addAfter("micro.http.codec", "micro.http.aggregator",
                  new HttpAggregator(options.maxInboundPayloadSize()))
              .addAfter("micro.http.aggregator", "micro.ws", new WebSocketServerProtocolHandler(websocket))
              .addAfter("micro.ws", "micro.ws.aggregator", new WebSocketFrameAggregator(maxWebSocketFrame))
              .addAfter("micro.ws.aggregator", "micro.http", new HttpHandler(router, pressure, timeouts, wsCtx -> {
                Connection connection = Connection.from(wsCtx.channel());
                FrameGuard guard = new FrameGuard(service, true, pressure, options);
                connection.addHandlerLast("micro.frames", guard);
                serve(router, peers, connection, new TransportConnection(connection, true, pressure), guard,
                    pressure, maxFrameLength);
              }));
          ctx.channel().config().setAutoRead(true);
        }
      };
      long detectMillis = options.protocolDetectTimeout().toMillis();
      return TcpServer.create()
          .host(hostPort.host())
          .port(hostPort.port())
          .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
              new WriteBufferWaterMark(WRITE_BUFFER_LOW_WATER_MARK, WRITE_BUFFER_HIGH_WATER_MARK))
          .doOnChannelInit((observer, channel, remote) -> {
            if (!limit.admit(channel)) {
              return;
            }
            connections.add(channel);
            channel.pipeline().addFirst("micro.detect", new ProtocolDetector(handover, detectMillis));
          })
          .bind()
          .map(server -> (Listener) new BoundListener(server, connections, peers));
    });
  }

  /**
   * Serves RSocket on a connection whose protocol is known: a server of its own per connection, so that
   * the responder and the count of calls in flight belong to the connection's guard.
   */
  private void serve(Router router, Set<RSocket> peers, Connection connection, DuplexConnection duplex,
      FrameGuard guard, OutboundPressure pressure, int maxFrameLength) {
    ConnectionAcceptor acceptor = RSocketServer.create((setup, sendingSocket) -> {
          peers.add(sendingSocket);
          sendingSocket.onClose().doFinally(s -> peers.remove(sendingSocket)).subscribe(v -> { }, e -> { });
          return Mono.just(new MicroResponder(router, setup.metadataMimeType(), setup.dataMimeType(),
              options.maxInboundPayloadSize(), pressure));
        })
        .payloadDecoder(PayloadDecoder.ZERO_COPY)
        .fragment(options.fragmentSize())
        .maxInboundPayloadSize(options.maxInboundPayloadSize())
        // A connection that stalls inside its SETUP frame is closed as one that sends nothing is.
        .maxTimeToFirstFrame(options.protocolDetectTimeout())
        .interceptors(registry -> registry.forRequestsInResponder(responder -> guard.interceptor()))
        .asConnectionAcceptor(maxFrameLength);
    acceptor.apply(duplex)
        .then(Mono.<Void>never())
        .subscribe(connection.disposeSubscriber());
  }

  /**
   * Counts a server's open connections and closes those beyond the maximum as soon as they are
   * accepted, saying so in the log when the maximum is first reached and then at most every 10 s.
   */
  private static final class ConnectionLimit {
    private final String service;
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final LogLimiter log = new LogLimiter(1, 10);

    ConnectionLimit(String service, int max) {
      this.service = service;
      this.max = max;
    }

    /** Counts a new connection in and returns true, or closes it and returns false when there are too many. */
    boolean admit(Channel channel) {
      if (open.incrementAndGet() > max) {
        open.decrementAndGet();
        log.warn(LOG, "service {} holds {} connections, its maximum (TransportOptions.maxConnections): "
            + "closing new connections until some close", service, max);
        channel.config().setAutoRead(false);
        channel.eventLoop().execute(channel::close);
        return false;
      }
      channel.closeFuture().addListener(closed -> open.decrementAndGet());
      return true;
    }
  }

  /** The bound port and the connections it accepted. */
  private static final class BoundListener implements Listener {
    private final DisposableServer server;
    private final ChannelGroup connections;
    private final Set<RSocket> peers;
    private final String address;

    BoundListener(DisposableServer server, ChannelGroup connections, Set<RSocket> peers) {
      this.server = server;
      this.connections = connections;
      this.peers = peers;
      InetSocketAddress bound = (InetSocketAddress) server.address();
      String host = bound.getAddress().isAnyLocalAddress() ? "0.0.0.0" : bound.getAddress().getHostAddress();
      this.address = new HostPort(host, bound.getPort()).toString();
    }

    @Override
    public String address() {
      return address;
    }

    @Override
    public Mono<Void> stopAccepting() {
      return Mono.defer(() -> {
        Channel listening = server.channel();
        return Mono.create(sink -> listening.close().addListener(f -> sink.success()));
      });
    }

    @Override
    public Mono<Void> close() {
      return stopAccepting().then(closeRSocketConnections())
          .then(Mono.<Void>create(sink -> connections.close().addListener(f -> sink.success())))
          .then(server.onDispose())
          .timeout(Duration.ofSeconds(10), Mono.fromRunnable(() -> LOG.warn("server {} did not close in time", address)));
    }

    /**
     * Closes the RSocket connections the RSocket way: a connection error frame queued after the frames
     * already on their way, then the close once they are written. Closing the channel outright would
     * drop the response of a call that finished just before, which a drain has waited for.
     */
    private Mono<Void> closeRSocketConnections() {
      return Flux.defer(() -> Flux.fromIterable(List.copyOf(peers)))
          .flatMap(peer -> {
            peer.dispose();
            return peer.onClose().onErrorResume(e -> Mono.empty());
          })
          .then()
          .timeout(Duration.ofSeconds(5), Mono.empty());
    }
  }
}
