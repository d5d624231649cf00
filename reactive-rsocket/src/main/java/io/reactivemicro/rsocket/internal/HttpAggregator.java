package io.reactivemicro.rsocket.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.reactivemicro.errors.MicroException;

/** Aggregates HTTP requests up to the maximum payload, answering a larger one with a JSON 413. */
final class HttpAggregator extends HttpObjectAggregator {

  private final String serviceName;
  private final int maxContentLength;

  HttpAggregator(String serviceName, int maxContentLength) {
    super(maxContentLength);
    this.serviceName = serviceName;
    this.maxContentLength = maxContentLength;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    MicroException error = MicroException.payloadTooLarge(serviceName,
        "request body exceeds the maximum of %d bytes", maxContentLength);
    ctx.writeAndFlush(HttpHandler.errorResponse(error, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, false))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
