package io.reactivemicro.rsocket.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Tells the protocol of a new connection by its first bytes: an HTTP/1.x request line starts with a
 * method name in ASCII, while an RSocket TCP connection starts with the 24-bit length of a small SETUP
 * frame, whose first byte is zero. It then hands the connection over and removes itself. An RSocket
 * connection then reads as its inbound demands; an HTTP connection reads on its own.
 */
final class ProtocolDetector extends ByteToMessageDecoder {

  /** What to do once the protocol is known. */
  interface Switch {
    /** Installs RSocket handling on the channel. */
    void rsocket(ChannelHandlerContext ctx);

    /** Installs HTTP handling on the channel. */
    void http(ChannelHandlerContext ctx);
  }

  private static final String[] HTTP_METHODS = {"GET ", "POST", "PUT ", "HEAD", "DELE", "OPTI", "PATC", "TRAC", "CONN", "PRI "};

  private final Switch handover;
  private final long timeoutMillis;
  private ScheduledFuture<?> timeout;

  ProtocolDetector(Switch handover, long timeoutMillis) {
    this.handover = handover;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timeout = ctx.executor().schedule(() -> {
      ctx.close();
    }, timeoutMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    // Reactor Netty reads only when its inbound asks; until the protocol is known, this decoder asks.
    ctx.read();
    super.channelActive(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() < 4) {
      ctx.read();
      return;
    }
    timeout.cancel(false);
    if (looksLikeHttp(in)) {
      handover.http(ctx);
    } else {
      handover.rsocket(ctx);
    }
    // Removing this decoder passes the bytes read so far on to the handlers just installed.
    ctx.pipeline().remove(this);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    if (timeout != null) {
      timeout.cancel(false);
    }
  }

  private static boolean looksLikeHttp(ByteBuf in) {
    int start = in.readerIndex();
    for (String method : HTTP_METHODS) {
      boolean match = true;
      for (int i = 0; i < 4; i++) {
        if (in.getByte(start + i) != method.charAt(i)) {
          match = false;
          break;
        }
      }
      if (match) {
        return true;
      }
    }
    return false;
  }
}
