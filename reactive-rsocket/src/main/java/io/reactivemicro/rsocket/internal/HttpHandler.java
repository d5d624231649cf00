package io.reactivemicro.rsocket.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpContentException;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.reactivemicro.codec.JsonCodec;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.metadata.Metadata;
import io.reactivemicro.server.spi.EndpointCodec;
import io.reactivemicro.server.InteractionModel;
import io.reactivemicro.server.spi.Router;
import io.reactivemicro.server.spi.ServerEndpoint;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves HTTP/1.1 on the shared port, as Go Micro's HTTP server does: {@code POST /} with the endpoint in
 * the {@code Micro-Endpoint} header and the request in the body, in the {@code Content-Type}'s encoding.
 * A request-response endpoint answers with one body; a stream or channel endpoint answers with
 * newline-delimited JSON, sent as the client reads it. Errors answer with their code as the status and
 * Go Micro's error JSON as the body. {@code GET /} lists the endpoints. Requests on one connection are
 * served one at a time, in order; while a pipelined request waits its turn the connection is not read, so
 * the requests after it wait in the peer's socket (and more than {@value #MAX_PIPELINED} decoded from what
 * was already read are refused with a 429). {@link HttpTimeouts} cuts off peers that are too slow.
 *
 * <p>After a WebSocket upgrade on {@code /rsocket}, frames pass through to the RSocket connection.
 */
final class HttpHandler extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = Loggers.getLogger(HttpHandler.class);
  private static final LogLimiter WARNINGS = new LogLimiter(20, 10);
  static final String ENDPOINT_HEADER = "Micro-Endpoint";
  static final String NDJSON = "application/x-ndjson";
  private static final int MAX_PIPELINED = 16;
  private static final int STREAM_WINDOW = 16;
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Set<String> NOT_METADATA = Set.of("content-type", "content-length", "host", "connection",
      "micro-endpoint", "accept", "accept-encoding", "user-agent", "transfer-encoding", "keep-alive", "upgrade",
      "expect", "te", "trailer", "proxy-connection");

  private final Router router;
  private final Consumer<ChannelHandlerContext> onWebSocket;
  private final OutboundPressure pressure;
  private final HttpTimeouts timeouts;
  private final ArrayDeque<FullHttpRequest> pending = new ArrayDeque<>();
  private @Nullable Disposable current;
  private boolean busy;

  HttpHandler(Router router, OutboundPressure pressure, HttpTimeouts timeouts,
      Consumer<ChannelHandlerContext> onWebSocket) {
    this.router = router;
    this.pressure = pressure;
    this.timeouts = timeouts;
    this.onWebSocket = onWebSocket;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      // WebSocket frames after the upgrade belong to the RSocket connection behind this handler.
      ctx.fireChannelRead(msg);
      return;
    }
    timeouts.requestArrived();
    if (busy) {
      // Pipelined requests wait in the peer's socket, not here: reading stops until this one is served.
      pressure.holdForBacklog(true);
      if (pending.size() >= MAX_PIPELINED) {
        request.release();
        MicroException error = MicroException.tooManyRequests(router.serviceName(),
            "more than %d pipelined requests on one connection", MAX_PIPELINED);
        ctx.writeAndFlush(errorResponse(error, HttpResponseStatus.TOO_MANY_REQUESTS, false))
            .addListener(ChannelFutureListener.CLOSE);
        return;
      }
      pending.add(request);
      return;
    }
    serve(ctx, request);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      timeouts.upgraded();
      onWebSocket.accept(ctx);
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    Disposable call = current;
    if (call != null) {
      call.dispose();
    }
    FullHttpRequest queued;
    while ((queued = pending.poll()) != null) {
      queued.release();
    }
    super.channelInactive(ctx);
  }

  private void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
    busy = true;
    // After a decoding failure the HTTP decoder discards the rest of the connection, so it is closed; a
    // body refused as too large is discarded by the aggregator and leaves the connection usable.
    Throwable malformed = request.decoderResult().cause();
    boolean keepAlive = HttpUtil.isKeepAlive(request)
        && (malformed == null || malformed instanceof TooLongHttpContentException);
    try {
      dispatch(ctx, request, keepAlive);
    } catch (MicroException e) {
      finish(ctx, errorResponse(e, status(e), keepAlive), keepAlive);
    } catch (RuntimeException e) {
      MicroException error = MicroException.from(router.serviceName(), e);
      finish(ctx, errorResponse(error, status(error), keepAlive), keepAlive);
    } finally {
      request.release();
    }
  }

  private void dispatch(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
    if (request.decoderResult().cause() instanceof TooLongHttpContentException tooLong) {
      throw MicroException.payloadTooLarge(router.serviceName(), "%s", tooLong.getMessage());
    }
    if (!request.decoderResult().isSuccess()) {
      Throwable cause = request.decoderResult().cause();
      throw MicroException.badRequest(router.serviceName(), "malformed HTTP request: %s",
          cause == null || cause.getMessage() == null ? "cannot be decoded" : cause.getMessage());
    }
    String endpointName = request.headers().get(ENDPOINT_HEADER);
    String path = pathOf(request.uri());
    if (endpointName == null && path.length() > 1 && path.indexOf('.') > 0) {
      endpointName = path.substring(1);
    }
    if (request.method().equals(HttpMethod.GET) && endpointName == null) {
      byte[] body = JSON.writeValueAsBytes(Map.of("service", router.serviceName(), "endpoints", router.describe()));
      finish(ctx, response(HttpResponseStatus.OK, JsonCodec.CONTENT_TYPE, body, keepAlive), keepAlive);
      return;
    }
    if (!request.method().equals(HttpMethod.POST)) {
      throw MicroException.methodNotAllowed(router.serviceName(), "%s is not served: POST a request to an endpoint",
          request.method());
    }
    if (endpointName == null || endpointName.isEmpty()) {
      throw MicroException.badRequest(router.serviceName(), "no endpoint: set the %s header, such as Helloworld.Greeting",
          ENDPOINT_HEADER);
    }
    ServerEndpoint endpoint = router.require(endpointName);
    String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, JsonCodec.CONTENT_TYPE);
    EndpointCodec codec = endpoint.codec(contentType);
    Metadata metadata = metadata(request);
    ByteBuf content = request.content();
    if (endpoint.model() == InteractionModel.REQUEST_RESPONSE) {
      Object decoded = codec.decode(content.nioBuffer());
      current = endpoint.requestResponse(decoded, metadata)
          .map(response -> response(HttpResponseStatus.OK, codec.contentType(), body(codec, response), keepAlive))
          .switchIfEmpty(Mono.fromSupplier(
              () -> response(HttpResponseStatus.OK, codec.contentType(), body(codec, null), keepAlive)))
          .onErrorResume(error -> {
            MicroException micro = MicroException.from(router.serviceName(), error);
            return Mono.just(errorResponse(micro, status(micro), keepAlive));
          })
          .subscribe(response -> finish(ctx, response, keepAlive));
      return;
    }
    if (!JsonCodec.CONTENT_TYPE.equals(codec.contentType())) {
      throw MicroException.badRequest(router.serviceName(),
          "%s streams its responses; over HTTP streams are newline-delimited JSON, so send application/json",
          endpoint.name());
    }
    Flux<Object> responses;
    if (endpoint.model() == InteractionModel.REQUEST_STREAM) {
      responses = endpoint.requestStream(codec.decode(content.nioBuffer()), metadata);
    } else {
      List<Object> requests = new ArrayList<>();
      for (ByteBuffer line : lines(content)) {
        Object decoded = codec.decode(line);
        if (decoded != null) {
          requests.add(decoded);
        }
      }
      responses = endpoint.requestChannel(Flux.fromIterable(requests), metadata);
    }
    StreamWriter writer = new StreamWriter(ctx, codec, keepAlive);
    current = writer;
    responses.subscribe(writer);
  }

  /** Writes a stream as newline-delimited JSON, asking for more as writes complete. */
  private final class StreamWriter extends BaseSubscriber<Object> {
    private final ChannelHandlerContext ctx;
    private final EndpointCodec codec;
    private final boolean keepAlive;
    private boolean headersSent;

    StreamWriter(ChannelHandlerContext ctx, EndpointCodec codec, boolean keepAlive) {
      this.ctx = ctx;
      this.codec = codec;
      this.keepAlive = keepAlive;
    }

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
      request(STREAM_WINDOW);
    }

    @Override
    protected void hookOnNext(Object value) {
      sendHeaders();
      byte[] encoded = codec.encode(value);
      ByteBuf line = Unpooled.wrappedBuffer(encoded, new byte[] {'\n'});
      ctx.writeAndFlush(new DefaultHttpContent(line)).addListener(f -> {
        if (f.isSuccess()) {
          request(1);
        } else {
          cancel();
        }
      });
    }

    @Override
    protected void hookOnComplete() {
      sendHeaders();
      end(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    @Override
    protected void hookOnError(Throwable error) {
      MicroException micro = MicroException.from(router.serviceName(), error);
      if (!headersSent) {
        finish(ctx, errorResponse(micro, status(micro), keepAlive), keepAlive);
        return;
      }
      // Headers are gone: the error becomes the last line of the stream.
      byte[] json = (micro.toJson() + "\n").getBytes(StandardCharsets.UTF_8);
      end(new DefaultLastHttpContent(Unpooled.wrappedBuffer(json)));
    }

    private void sendHeaders() {
      if (!headersSent) {
        headersSent = true;
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, NDJSON);
        HttpUtil.setTransferEncodingChunked(head, true);
        HttpUtil.setKeepAlive(head, keepAlive);
        ctx.write(head);
      }
    }

    private void end(LastHttpContent last) {
      ctx.writeAndFlush(last).addListener(f -> afterResponse(ctx, keepAlive));
    }
  }

  private void finish(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    ctx.writeAndFlush(response).addListener(f -> afterResponse(ctx, keepAlive));
  }

  private void afterResponse(ChannelHandlerContext ctx, boolean keepAlive) {
    // Runs on the channel's event loop, as write listeners do.
    if (!busy) {
      return;
    }
    busy = false;
    current = null;
    if (!keepAlive) {
      ctx.close();
      return;
    }
    FullHttpRequest next = pending.poll();
    if (pending.isEmpty()) {
      pressure.holdForBacklog(false);
    }
    if (next != null) {
      serve(ctx, next);
    } else {
      timeouts.idle();
    }
  }

  private Metadata metadata(FullHttpRequest request) {
    TreeMap<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Map.Entry<String, String> header : request.headers()) {
      if (!NOT_METADATA.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        headers.put(header.getKey(), header.getValue());
      }
    }
    return headers.isEmpty() ? Metadata.empty() : Metadata.of(headers);
  }

  private static byte[] body(EndpointCodec codec, @Nullable Object response) {
    if (response == null) {
      return JsonCodec.CONTENT_TYPE.equals(codec.contentType()) ? new byte[] {'{', '}'} : new byte[0];
    }
    return codec.encode(response);
  }

  private static List<ByteBuffer> lines(ByteBuf content) {
    List<ByteBuffer> lines = new ArrayList<>();
    int start = content.readerIndex();
    int end = content.writerIndex();
    for (int i = start; i <= end; i++) {
      if (i == end || content.getByte(i) == '\n') {
        if (i > start && !blank(content, start, i)) {
          lines.add(content.nioBuffer(start, i - start));
        }
        start = i + 1;
      }
    }
    return lines;
  }

  private static boolean blank(ByteBuf content, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = content.getByte(i);
      if (b != ' ' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  private static String pathOf(String uri) {
    int query = uri.indexOf('?');
    return query < 0 ? uri : uri.substring(0, query);
  }

  static HttpResponseStatus status(MicroException error) {
    int code = error.code();
    return code >= 200 && code <= 599 ? HttpResponseStatus.valueOf(code) : HttpResponseStatus.INTERNAL_SERVER_ERROR;
  }

  static FullHttpResponse errorResponse(MicroException error, HttpResponseStatus status, boolean keepAlive) {
    return response(status, JsonCodec.CONTENT_TYPE, error.toJson().getBytes(StandardCharsets.UTF_8), keepAlive);
  }

  private static FullHttpResponse response(HttpResponseStatus status, String contentType, byte[] body, boolean keepAlive) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof java.io.IOException || cause instanceof PrematureChannelClosureException) {
      // The peer went away, or the connection was closed (after a 408, say) with a request half read.
      LOG.debug("closing HTTP connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
    } else if (cause instanceof DecoderException) {
      // What the peer sent, such as a malformed WebSocket frame: a line, at a rate the peer cannot raise.
      WARNINGS.warn(LOG, "closing HTTP connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
    } else {
      LOG.warn("closing HTTP connection {} after an unexpected error", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }
}
