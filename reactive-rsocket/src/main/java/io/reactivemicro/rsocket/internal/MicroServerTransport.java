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
      ConnectionAcceptor acceptor = RSocketServer.create((setup, sendingSocket) -> accept(router, setup))
          .payloadDecoder(PayloadDecoder.ZERO_COPY)
          .fragment(options.fragmentSize())
          .maxInboundPayloadSize(options.maxInboundPayloadSize())
          .asConnectionAcceptor(MAX_FRAME_LENGTH);
      ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
      ProtocolDetector.Switch handover = new ProtocolDetector.Switch() {
        @Override
        public void rsocket(ChannelHandlerContext ctx) {
          Connection connection = Connection.from(ctx.channel());
          connection.addHandlerLast(new RSocketLengthCodec(MAX_FRAME_LENGTH));
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
                  new HttpAggregator(router.serviceName(), options.maxInboundPayloadSize()))
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
          .map(server -> (Listener) new BoundListener(server, connections));
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
    private final String address;

    BoundListener(DisposableServer server, ChannelGroup connections) {
      this.server = server;
      this.connections = connections;
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
      return stopAccepting().then(Mono.<Void>create(sink -> connections.close().addListener(f -> sink.success())))
          .then(server.onDispose())
          .timeout(Duration.ofSeconds(10), Mono.fromRunnable(() -> LOG.warn("server {} did not close in time", address)));
    }
  }
}
