package io.reactivemicro.rsocket.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.reactivemicro.server.Router;
import io.reactivemicro.transport.Listener;
import io.reactivemicro.transport.ServerTransport;
import io.reactivemicro.transport.TransportOptions;
import io.rsocket.ConnectionSetupPayload;
import io.rsocket.RSocket;
import io.rsocket.core.RSocketServer;
import io.rsocket.frame.decoder.PayloadDecoder;
import io.rsocket.transport.ServerTransport.ConnectionAcceptor;
import io.rsocket.transport.netty.RSocketLengthCodec;
import io.rsocket.transport.netty.TcpDuplexConnection;
import io.rsocket.transport.netty.WebsocketDuplexConnection;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 */
public final class MicroServerTransport implements ServerTransport {

  private static final Logger LOG = Loggers.getLogger(MicroServerTransport.class);
  private static final int MAX_FRAME_LENGTH = 0xFFFFFF;
  /** The path RSocket over WebSocket is served on. */
  public static final String WEBSOCKET_PATH = "/rsocket";

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
      ConnectionAcceptor acceptor = RSocketServer.create((setup, sendingSocket) -> {
            peers.add(sendingSocket);
            sendingSocket.onClose().doFinally(s -> peers.remove(sendingSocket)).subscribe(v -> { }, e -> { });
            return accept(router, setup);
          })
          .payloadDecoder(PayloadDecoder.ZERO_COPY)
          .fragment(options.fragmentSize())
          .maxInboundPayloadSize(options.maxInboundPayloadSize())
          // A connection that stalls inside its SETUP frame is closed as one that sends nothing is.
          .maxTimeToFirstFrame(options.protocolDetectTimeout())
          .asConnectionAcceptor(maxFrameLength);
      ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
      ProtocolDetector.Switch handover = new ProtocolDetector.Switch() {
        @Override
        public void rsocket(ChannelHandlerContext ctx) {
          Connection connection = Connection.from(ctx.channel());
          connection.addHandlerLast(new RSocketLengthCodec(maxFrameLength));
          acceptor.apply(new TcpDuplexConnection("server", connection))
              .then(Mono.<Void>never())
              .subscribe(connection.disposeSubscriber());
        }

        @Override
        public void http(ChannelHandlerContext ctx) {
          int maxWebSocketFrame = Math.min(options.maxInboundPayloadSize(), MAX_FRAME_LENGTH);
          WebSocketServerProtocolConfig websocket = WebSocketServerProtocolConfig.newBuilder()
              .websocketPath(WEBSOCKET_PATH)
              .maxFramePayloadLength(maxWebSocketFrame)
              .handleCloseFrames(true)
              .build();
          ctx.pipeline()
              .addAfter(ctx.name(), "micro.http.codec", new HttpServerCodec())
              .addAfter("micro.http.codec", "micro.http.aggregator",
                  new HttpAggregator(options.maxInboundPayloadSize()))
              .addAfter("micro.http.aggregator", "micro.ws", new WebSocketServerProtocolHandler(websocket))
              .addAfter("micro.ws", "micro.ws.aggregator", new WebSocketFrameAggregator(maxWebSocketFrame))
              .addAfter("micro.ws.aggregator", "micro.http", new HttpHandler(router, wsCtx -> {
                Connection connection = Connection.from(wsCtx.channel());
                acceptor.apply(new WebsocketDuplexConnection("server", connection))
                    .then(Mono.<Void>never())
                    .subscribe(connection.disposeSubscriber());
              }));
          ctx.channel().config().setAutoRead(true);
        }
      };
      long detectMillis = options.protocolDetectTimeout().toMillis();
      return TcpServer.create()
          .host(hostPort.host())
          .port(hostPort.port())
          .doOnChannelInit((observer, channel, remote) -> {
            connections.add(channel);
            channel.pipeline().addFirst("micro.detect", new ProtocolDetector(handover, detectMillis));
          })
          .bind()
          .map(server -> (Listener) new BoundListener(server, connections, peers));
    });
  }

  private Mono<RSocket> accept(Router router, ConnectionSetupPayload setup) {
    String metadataMime = setup.metadataMimeType();
    String dataMime = setup.dataMimeType();
    return Mono.just(new MicroResponder(router, metadataMime, dataMime, options.maxInboundPayloadSize()));
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
