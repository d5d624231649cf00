package io.reactivemicro.rsocket.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpContentException;

/**
 * Aggregates HTTP requests up to the maximum payload. A larger one is passed on with no body and a
 * {@link TooLongHttpContentException} as its decoder result, so that {@link HttpHandler} answers it with
 * a JSON 413 in turn with the requests before it.
 *
 * <p>When the {@code Content-Length} announces the excess, the body has not been read yet: the
 * connection stays open if the client keeps it alive, and the body is discarded as it arrives, so the
 * client reads the 413 instead of a reset while it is still sending. A body that grows too large while
 * being read ends the connection after the 413, as there is no telling how much more is coming.
 */
final class HttpAggregator extends HttpObjectAggregator {

  private final int maxContentLength;

  HttpAggregator(int maxContentLength) {
    super(maxContentLength);
    this.maxContentLength = maxContentLength;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    if (!(oversized instanceof HttpRequest request)) {
      ctx.close();
      return;
    }
    FullHttpRequest refused = new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
        Unpooled.EMPTY_BUFFER);
    refused.headers().set(request.headers());
    if (oversized instanceof FullHttpMessage) {
      HttpUtil.setKeepAlive(refused, false);
    }
    refused.setDecoderResult(DecoderResult.failure(new TooLongHttpContentException(
        String.format("request body exceeds the maximum of %d bytes", maxContentLength))));
    // The aggregator releases the oversized message itself once this returns.
    ctx.fireChannelRead(refused);
  }
}
