package io.reactivemicro.rsocket.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.transport.TransportOptions;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Cuts off HTTP peers that are too slow, sitting first in an HTTP connection's pipeline where it sees the
 * raw bytes: a request's head and body must arrive within {@link TransportOptions#requestReadTimeout()}
 * of its first byte, or the peer is answered with a 408 and the connection closed; a kept-alive connection
 * with no request for {@link TransportOptions#idleTimeout()} is closed; a peer that leaves a response
 * unread for {@link TransportOptions#writeTimeout()} is cut off. {@link HttpHandler} tells it when a
 * request has arrived and when its response is done. After an upgrade to WebSocket it steps aside.
 *
 * <p>One instance per connection, on its event loop.
 */
final class HttpTimeouts extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = Loggers.getLogger(HttpTimeouts.class);

  private enum State {
    /** A request is arriving. */
    READING,
    /** A request is being served. */
    SERVING,
    /** Waiting for the next request. */
    IDLE,
    /** Upgraded to WebSocket, or closed: no timeouts here. */
    DONE
  }

  private final String service;
  private final OutboundPressure pressure;
  private final long requestNanos;
  private final long idleNanos;
  private final long writeNanos;
  private State state = State.READING;
  private long since;
  private @Nullable ScheduledFuture<?> ticker;
  private @Nullable ChannelHandlerContext context;

  HttpTimeouts(String service, OutboundPressure pressure, TransportOptions options) {
    this.service = service;
    this.pressure = pressure;
    this.requestNanos = options.requestReadTimeout().toNanos();
    this.idleNanos = options.idleTimeout().toNanos();
    this.writeNanos = options.writeTimeout().toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
    // Added once the first bytes of a request have arrived.
    since = System.nanoTime();
    long shortest = Math.min(requestNanos, Math.min(idleNanos, writeNanos));
    long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(TimeUnit.SECONDS.toNanos(1), shortest / 4));
    ticker = ctx.executor().scheduleAtFixedRate(this::tick, tick, tick, TimeUnit.NANOSECONDS);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    stop();
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (state == State.IDLE && msg instanceof ByteBuf bytes && bytes.isReadable()) {
      state = State.READING;
      since = System.nanoTime();
    }
    super.channelRead(ctx, msg);
  }

  /** Notes that a whole request has arrived and is being served or queued. */
  void requestArrived() {
    if (state != State.DONE) {
      state = State.SERVING;
    }
  }

  /** Notes that the last response is written and no request is waiting. */
  void idle() {
    if (state != State.DONE) {
      state = State.IDLE;
      since = System.nanoTime();
    }
  }

  /** Stops every timeout here: the connection now carries WebSocket frames, with limits of their own. */
  void upgraded() {
    state = State.DONE;
    stop();
    ChannelHandlerContext ctx = context;
    if (ctx != null && !ctx.isRemoved()) {
      ctx.pipeline().remove(this);
    }
  }

  private void tick() {
    ChannelHandlerContext ctx = context;
    if (ctx == null || !ctx.channel().isActive()) {
      return;
    }
    long now = System.nanoTime();
    switch (state) {
      case READING -> {
        if (now - since >= requestNanos) {
          LOG.debug("answering 408 to {}: its request did not arrive in time", ctx.channel().remoteAddress());
          state = State.DONE;
          stop();
          MicroException error = MicroException.timeout(service, "the request did not arrive within %d ms",
              TimeUnit.NANOSECONDS.toMillis(requestNanos));
          ctx.channel().config().setAutoRead(false);
          // Written from the tail, so that the HTTP codec after this handler encodes it.
          ctx.channel().writeAndFlush(HttpHandler.errorResponse(error, HttpResponseStatus.REQUEST_TIMEOUT, false))
              .addListener(ChannelFutureListener.CLOSE);
        }
      }
      case IDLE -> {
        if (now - since >= idleNanos) {
          LOG.debug("closing HTTP connection from {}: idle", ctx.channel().remoteAddress());
          state = State.DONE;
          ctx.close();
        }
      }
      case SERVING -> {
        if (pressure.stalled(now, writeNanos)) {
          LOG.debug("closing HTTP connection from {}: it does not read its response", ctx.channel().remoteAddress());
          state = State.DONE;
          ctx.close();
        }
      }
      default -> stop();
    }
  }

  private void stop() {
    ScheduledFuture<?> scheduled = ticker;
    if (scheduled != null) {
      ticker = null;
      scheduled.cancel(false);
    }
  }
}
