package io.reactivemicro.rsocket.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.transport.TransportOptions;
import io.rsocket.RSocketErrorException;
import io.rsocket.exceptions.ApplicationErrorException;
import io.rsocket.exceptions.ConnectionCloseException;
import io.rsocket.exceptions.ConnectionErrorException;
import io.rsocket.exceptions.RejectedException;
import io.rsocket.frame.CancelFrameCodec;
import io.rsocket.frame.ErrorFrameCodec;
import io.rsocket.frame.FrameLengthCodec;
import io.rsocket.frame.FrameType;
import io.rsocket.frame.RequestNFrameCodec;
import io.rsocket.plugins.RequestInterceptor;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Stands between a server connection's RSocket frames (after the length codec on TCP, after the WebSocket
 * codec on WebSocket) and rsocket-java, and keeps what a peer can do to the server bounded:
 *
 * <ul>
 *   <li>Every frame is checked against the RSocket grammar before rsocket-java sees it: length, stream id,
 *       type, flags, metadata length. A malformed or unexpected frame closes the connection with a
 *       {@code CONNECTION_ERROR} frame and one rate-limited WARN line, without a stack trace; rsocket-java
 *       never parses what it would choke on (it throws from code that is not guarded, and Reactor Netty
 *       then releases the frame a second time).
 *   <li>Frames that arrive while the connection is blocked (its peer does not read its answers, see
 *       {@link OutboundPressure}) wait as they are until it is not: reading stops then, but what the read
 *       under way brings still arrives, and turned into calls it would queue answers far larger.
 *   <li>Calls in flight on the connection are counted (as rsocket-java's {@link RequestInterceptor}, fed
 *       from the responder's own bookkeeping); a request beyond
 *       {@link TransportOptions#maxCallsPerConnection()} is refused at once with a {@code REJECTED} frame
 *       carrying a 429 error, which guarantees the caller it did not run.
 *   <li>Fragmented requests being reassembled hold at most {@link TransportOptions#maxInboundPayloadSize()}
 *       bytes per connection and must arrive within {@link TransportOptions#requestReadTimeout()}; a
 *       request beyond either is refused (413 or 408) and its partial payload freed. A {@code REQUEST_N}
 *       for a request still arriving is held back until the request is whole, as rsocket-java does not
 *       expect one then.
 *   <li>A connection with no call for {@link TransportOptions#idleTimeout()} is closed with
 *       {@code CONNECTION_CLOSE}; one that sends no frame (keep-alive probes included) for
 *       {@link TransportOptions#keepAliveMaxLifetime()} is closed as dead; one whose peer does not read for
 *       {@link TransportOptions#writeTimeout()} is closed (see {@link OutboundPressure}).
 * </ul>
 *
 * <p>One instance per connection; every method but the {@link RequestInterceptor} callbacks runs on the
 * connection's event loop.
 */
final class FrameGuard extends ChannelDuplexHandler {

  private static final Logger LOG = Loggers.getLogger(FrameGuard.class);
  private static final LogLimiter WARNINGS = new LogLimiter(20, 10);

  private static final int HEADER = 6;
  private static final int FLAG_IGNORE = 0x200;
  private static final int FLAG_METADATA = 0x100;
  private static final int FLAG_FOLLOWS = 0x80;
  private static final int FLAG_COMPLETE = 0x40;
  private static final int FLAG_NEXT = 0x20;

  private static final int SETUP = 0x01;
  private static final int KEEPALIVE = 0x03;
  private static final int REQUEST_RESPONSE = 0x04;
  private static final int REQUEST_FNF = 0x05;
  private static final int REQUEST_STREAM = 0x06;
  private static final int REQUEST_CHANNEL = 0x07;
  private static final int REQUEST_N = 0x08;
  private static final int CANCEL = 0x09;
  private static final int PAYLOAD = 0x0A;
  private static final int ERROR = 0x0B;
  private static final int METADATA_PUSH = 0x0C;
  private static final int RESUME = 0x0D;
  private static final int EXT = 0x3F;

  /** A request whose fragments are still arriving. */
  private static final class Assembly {
    final long startedAt;
    /** Whether it came with a {@code REQUEST_*} frame, as opposed to a fragmented channel message. */
    final boolean request;
    /** Whether it was refused: rsocket-java never saw it, or was told to cancel it; its fragments are dropped. */
    boolean refused;
    long bytes;
    long heldRequestN;

    Assembly(long startedAt, boolean request, long bytes) {
      this.startedAt = startedAt;
      this.request = request;
      this.bytes = bytes;
    }
  }

  private final String service;
  private final boolean websocket;
  private final OutboundPressure pressure;
  private final int maxCalls;
  private final long maxAssemblyBytes;
  private final long idleNanos;
  private final long silenceNanos;
  private final long writeNanos;
  private final long assemblyNanos;
  private final CallsInFlight calls = new CallsInFlight();
  private final IntObjectMap<Assembly> assemblies = new IntObjectHashMap<>();
  /** Frames read while the connection was blocked, to be handled once it is not; one read's worth at most. */
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private boolean drainScheduled;
  private long assemblyBytes;
  private int refusedAssemblies;
  private boolean setupSeen;
  private boolean closing;
  private boolean sawRequest;
  private long lastRead;
  private long lastBusy;
  private @Nullable ScheduledFuture<?> ticker;
  private @Nullable ChannelHandlerContext context;

  /**
   * Creates the guard of one connection.
   *
   * @param service the service name, for error ids and logs
   * @param websocket whether frames arrive in WebSocket binary frames rather than with a length prefix
   * @param pressure the connection's outbound pressure, which tells whether its peer reads
   * @param options the limits
   */
  FrameGuard(String service, boolean websocket, OutboundPressure pressure, TransportOptions options) {
    this.service = service;
    this.websocket = websocket;
    this.pressure = pressure;
    this.maxCalls = options.maxCallsPerConnection();
    this.maxAssemblyBytes = options.maxInboundPayloadSize();
    this.idleNanos = options.idleTimeout().toNanos();
    this.silenceNanos = options.keepAliveMaxLifetime().toNanos();
    this.writeNanos = options.writeTimeout().toNanos();
    this.assemblyNanos = options.requestReadTimeout().toNanos();
  }

  /** Returns the counter of calls in flight that rsocket-java's responder feeds. */
  RequestInterceptor interceptor() {
    return calls;
  }

  /** Returns how many calls are in flight on the connection. */
  int calls() {
    return calls.get();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
    long now = System.nanoTime();
    lastRead = now;
    lastBusy = now;
    long shortest = Math.min(Math.min(idleNanos, silenceNanos), Math.min(writeNanos, assemblyNanos));
    // Limits are checked a few times per shortest timeout, and at least once a second.
    long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(TimeUnit.SECONDS.toNanos(1), shortest / 4));
    ticker = ctx.executor().scheduleAtFixedRate(this::tick, tick, tick, TimeUnit.NANOSECONDS);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stopTicking();
    releaseHeld();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    stopTicking();
    assemblies.clear();
    releaseHeld();
    super.channelInactive(ctx);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    // Stamped once per read rather than per frame: the clock is read a few times per batch, not per call.
    long now = System.nanoTime();
    lastRead = now;
    if (sawRequest) {
      sawRequest = false;
      lastBusy = now;
    }
    super.channelReadComplete(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!held.isEmpty() || !pressure.writable()) {
      // Reading stops while the connection is blocked, but the frames of the read under way still arrive:
      // they wait here, as bytes, rather than become calls whose answers would wait, much larger.
      held.add(msg);
      drainWhenWritable(ctx);
      return;
    }
    admit(ctx, msg);
  }

  private void drainWhenWritable(ChannelHandlerContext ctx) {
    if (!drainScheduled) {
      drainScheduled = true;
      pressure.whenWritable(() -> drain(ctx));
    }
  }

  private void drain(ChannelHandlerContext ctx) {
    drainScheduled = false;
    Object msg;
    while ((msg = held.poll()) != null) {
      if (closing) {
        ReferenceCountUtil.release(msg);
        continue;
      }
      admit(ctx, msg);
      if (!held.isEmpty() && !pressure.writable()) {
        drainWhenWritable(ctx);
        return;
      }
    }
  }

  private void releaseHeld() {
    Object msg;
    while ((msg = held.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
  }

  private void admit(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame;
    if (websocket) {
      if (!(msg instanceof BinaryWebSocketFrame binary)) {
        ReferenceCountUtil.release(msg);
        protocolError(ctx, "a WebSocket frame that is not binary; RSocket frames travel in binary frames");
        return;
      }
      frame = binary.content();
    } else if (msg instanceof ByteBuf withLength) {
      // The length codec passes the 3-byte length on with the frame.
      frame = withLength.slice(withLength.readerIndex() + FrameLengthCodec.FRAME_LENGTH_SIZE,
          withLength.readableBytes() - FrameLengthCodec.FRAME_LENGTH_SIZE);
    } else {
      ctx.fireChannelRead(msg);
      return;
    }
    String problem = inspect(ctx, frame, msg);
    if (problem != null) {
      ReferenceCountUtil.release(msg);
      protocolError(ctx, problem);
    }
  }

  /**
   * Checks a frame and passes it on, holds it back or drops it.
   *
   * @return what is wrong with the frame, in words, or {@code null} when it was handled (and its message
   *     passed on or released)
   */
  private @Nullable String inspect(ChannelHandlerContext ctx, ByteBuf frame, Object msg) {
    int length = frame.readableBytes();
    if (length < HEADER) {
      return String.format("a frame of %d bytes, shorter than a frame header", length);
    }
    int base = frame.readerIndex();
    int streamId = frame.getInt(base);
    int typeAndFlags = frame.getUnsignedShort(base + 4);
    int type = typeAndFlags >>> 10;
    int flags = typeAndFlags & 0x3FF;
    if (streamId < 0) {
      return "a stream id with its reserved bit set";
    }
    if (!setupSeen) {
      if (type == RESUME) {
        return "a RESUME frame; this server does not resume sessions";
      }
      if (type != SETUP || streamId != 0) {
        return String.format("a %s frame before SETUP", name(type));
      }
      String problem = checkSetup(frame, base, length, flags);
      if (problem == null) {
        setupSeen = true;
        ctx.fireChannelRead(msg);
      }
      return problem;
    }
    switch (type) {
      case KEEPALIVE -> {
        if (streamId != 0 || length < HEADER + Long.BYTES) {
          return "a malformed KEEPALIVE frame";
        }
        ctx.fireChannelRead(msg);
        return null;
      }
      case REQUEST_RESPONSE, REQUEST_FNF, REQUEST_STREAM, REQUEST_CHANNEL -> {
        if ((streamId & 1) == 0) {
          return String.format("a %s frame on stream %d; requests to a server use odd stream ids", name(type),
              streamId);
        }
        int metadataAt = base + HEADER;
        if (type == REQUEST_STREAM || type == REQUEST_CHANNEL) {
          if (length < HEADER + Integer.BYTES || frame.getInt(base + HEADER) <= 0) {
            return String.format("a %s frame without a positive initial request n", name(type));
          }
          metadataAt += Integer.BYTES;
        }
        String problem = checkMetadata(frame, metadataAt, length, flags, type);
        return problem != null ? problem : request(ctx, msg, streamId, type, flags, length);
      }
      case REQUEST_N -> {
        if (streamId == 0 || (streamId & 1) == 0 || length < HEADER + Integer.BYTES
            || frame.getInt(base + HEADER) <= 0) {
          return "a malformed REQUEST_N frame";
        }
        Assembly arriving = assemblies.get(streamId);
        if (arriving != null && arriving.request) {
          // Given to rsocket-java once the request is whole.
          arriving.heldRequestN = Math.min(Long.MAX_VALUE - Integer.MAX_VALUE, arriving.heldRequestN)
              + frame.getInt(base + HEADER);
          ReferenceCountUtil.release(msg);
          return null;
        }
        ctx.fireChannelRead(msg);
        return null;
      }
      case CANCEL, ERROR -> {
        if (type == ERROR && length < HEADER + Integer.BYTES) {
          return "a malformed ERROR frame";
        }
        if ((type == CANCEL && streamId == 0) || (streamId != 0 && (streamId & 1) == 0)) {
          return String.format("a %s frame on a stream this server did not accept", name(type));
        }
        Assembly ended = streamId == 0 ? null : assemblies.remove(streamId);
        if (ended != null) {
          forget(ended);
          if (ended.refused) {
            ReferenceCountUtil.release(msg);
            return null;
          }
        }
        ctx.fireChannelRead(msg);
        return null;
      }
      case PAYLOAD -> {
        if (streamId == 0 || (streamId & 1) == 0) {
          return "a PAYLOAD frame on a stream this server did not accept";
        }
        if ((flags & (FLAG_NEXT | FLAG_COMPLETE)) == 0) {
          return "a PAYLOAD frame with neither the NEXT nor the COMPLETE flag";
        }
        String problem = checkMetadata(frame, base + HEADER, length, flags, type);
        return problem != null ? problem : payload(ctx, msg, streamId, flags, length);
      }
      case METADATA_PUSH -> {
        if (streamId != 0 || (flags & FLAG_METADATA) == 0) {
          return "a malformed METADATA_PUSH frame";
        }
        // Valid, but this server has nothing to do with pushed metadata.
        ReferenceCountUtil.release(msg);
        return null;
      }
      default -> {
        if ((flags & FLAG_IGNORE) != 0 && (type == EXT || type > RESUME + 1)) {
          // A frame the peer allows us to ignore when we do not understand it.
          ReferenceCountUtil.release(msg);
          return null;
        }
        return String.format("an unexpected %s frame", name(type));
      }
    }
  }

  private static @Nullable String checkMetadata(ByteBuf frame, int offset, int length, int flags, int type) {
    if ((flags & FLAG_METADATA) == 0) {
      return null;
    }
    int end = frame.readerIndex() + length;
    if (offset + 3 > end || offset + 3 + frame.getUnsignedMedium(offset) > end) {
      return String.format("a %s frame whose metadata length exceeds the frame", name(type));
    }
    return null;
  }

  private static @Nullable String checkSetup(ByteBuf frame, int base, int length, int flags) {
    int end = base + length;
    // Version, keep-alive interval and maximum lifetime.
    int offset = base + HEADER + 12;
    if (offset > end) {
      return "a SETUP frame too short for its fixed fields";
    }
    if ((flags & 0x80) != 0) {
      if (offset + 2 > end) {
        return "a SETUP frame whose resume token exceeds the frame";
      }
      offset += 2 + frame.getUnsignedShort(offset);
    }
    for (int mime = 0; mime < 2; mime++) {
      if (offset + 1 > end) {
        return "a SETUP frame whose mime types exceed the frame";
      }
      offset += 1 + frame.getUnsignedByte(offset);
    }
    if (offset > end) {
      return "a SETUP frame whose mime types exceed the frame";
    }
    return checkMetadata(frame, offset, end - frame.readerIndex(), flags, SETUP);
  }

  /** Admits a new request, or refuses it when the connection has its maximum of calls in flight. */
  private @Nullable String request(ChannelHandlerContext ctx, Object msg, int streamId, int type, int flags,
      int length) {
    if (assemblies.containsKey(streamId)) {
      return String.format("a %s frame on stream %d while a request on it is still arriving", name(type), streamId);
    }
    sawRequest = true;
    boolean follows = (flags & FLAG_FOLLOWS) != 0;
    if (calls.get() >= maxCalls) {
      ReferenceCountUtil.release(msg);
      if (type != REQUEST_FNF) {
        send(ctx, streamId, new RejectedException(MicroException.tooManyRequests(service,
            "more than %d calls in flight on one connection", maxCalls).toJson()));
      } else {
        WARNINGS.warn(LOG, "dropping fire-and-forget requests from {}: {} calls in flight, the maximum",
            peer(ctx), maxCalls);
      }
      return follows ? refuseFragments(streamId) : null;
    }
    if (follows) {
      if (assemblyBytes + length > maxAssemblyBytes) {
        ReferenceCountUtil.release(msg);
        send(ctx, streamId, new RejectedException(tooLarge().toJson()));
        return refuseFragments(streamId);
      }
      assemblies.put(streamId, new Assembly(System.nanoTime(), true, length));
      assemblyBytes += length;
    }
    ctx.fireChannelRead(msg);
    return null;
  }

  /** Passes a fragment or a channel message on, counting the fragments of what is still arriving. */
  private @Nullable String payload(ChannelHandlerContext ctx, Object msg, int streamId, int flags, int length) {
    boolean follows = (flags & FLAG_FOLLOWS) != 0;
    Assembly arriving = assemblies.get(streamId);
    if (arriving == null) {
      if (follows) {
        if (assemblyBytes + length > maxAssemblyBytes) {
          ReferenceCountUtil.release(msg);
          // The channel is under way: rsocket-java must hear that it ends.
          abort(ctx, streamId, tooLarge());
          Assembly refused = new Assembly(System.nanoTime(), false, 0);
          refused.refused = true;
          assemblies.put(streamId, refused);
          refusedAssemblies++;
          return null;
        }
        assemblies.put(streamId, new Assembly(System.nanoTime(), false, length));
        assemblyBytes += length;
      }
      ctx.fireChannelRead(msg);
      return null;
    }
    if (arriving.refused) {
      ReferenceCountUtil.release(msg);
      if (!follows) {
        assemblies.remove(streamId);
        forget(arriving);
      }
      return null;
    }
    if (assemblyBytes + length > maxAssemblyBytes) {
      ReferenceCountUtil.release(msg);
      refuse(ctx, streamId, arriving, tooLarge());
      if (!follows) {
        assemblies.remove(streamId);
        forget(arriving);
      }
      return null;
    }
    if (follows) {
      arriving.bytes += length;
      assemblyBytes += length;
      ctx.fireChannelRead(msg);
      return null;
    }
    assemblies.remove(streamId);
    forget(arriving);
    ctx.fireChannelRead(msg);
    long held = arriving.heldRequestN;
    if (held > 0 && ctx.channel().isActive()) {
      int n = (int) Math.min(Integer.MAX_VALUE, held);
      ctx.fireChannelRead(wrap(RequestNFrameCodec.encode(ctx.alloc(), streamId, n)));
    }
    return null;
  }

  /** Remembers a request refused before rsocket-java saw it, so that its further fragments are dropped. */
  private @Nullable String refuseFragments(int streamId) {
    if (refusedAssemblies >= maxCalls) {
      return "more refused fragmented requests than calls allowed in flight";
    }
    Assembly refused = new Assembly(System.nanoTime(), true, 0);
    refused.refused = true;
    assemblies.put(streamId, refused);
    refusedAssemblies++;
    return null;
  }

  /** Refuses a request or channel message that rsocket-java has begun to reassemble, freeing what it holds. */
  private void refuse(ChannelHandlerContext ctx, int streamId, Assembly arriving, MicroException why) {
    abort(ctx, streamId, why);
    assemblyBytes -= arriving.bytes;
    arriving.bytes = 0;
    arriving.refused = true;
    refusedAssemblies++;
  }

  /** Tells the peer that a stream failed, and rsocket-java that it was cancelled. */
  private void abort(ChannelHandlerContext ctx, int streamId, MicroException why) {
    send(ctx, streamId, new ApplicationErrorException(why.toJson()));
    ctx.fireChannelRead(wrap(CancelFrameCodec.encode(ctx.alloc(), streamId)));
  }

  private void forget(Assembly ended) {
    assemblyBytes -= ended.bytes;
    if (ended.refused) {
      refusedAssemblies--;
    }
  }

  private MicroException tooLarge() {
    return MicroException.payloadTooLarge(service,
        "fragmented requests arriving on one connection exceed the maximum of %d bytes", maxAssemblyBytes);
  }

  private void tick() {
    ChannelHandlerContext ctx = context;
    if (ctx == null || closing || !ctx.channel().isActive()) {
      return;
    }
    long now = System.nanoTime();
    if (calls.get() > 0 || !assemblies.isEmpty()) {
      lastBusy = now;
    }
    if (pressure.stalled(now, writeNanos)) {
      WARNINGS.warn(LOG, "closing connection from {}: it has not read what it was sent for {} ms", peer(ctx),
          TimeUnit.NANOSECONDS.toMillis(writeNanos));
      closing = true;
      ctx.close();
      return;
    }
    if (now - lastRead >= silenceNanos) {
      LOG.debug("closing connection from {}: no frame for {} ms", peer(ctx), TimeUnit.NANOSECONDS.toMillis(silenceNanos));
      closeWith(ctx, new ConnectionErrorException(
          "no frame for " + TimeUnit.NANOSECONDS.toMillis(silenceNanos) + " ms: send keep-alive frames more often"));
      return;
    }
    if (now - lastBusy >= idleNanos) {
      LOG.debug("closing connection from {}: idle for {} ms", peer(ctx), TimeUnit.NANOSECONDS.toMillis(idleNanos));
      closeWith(ctx, new ConnectionCloseException(
          "idle for " + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms with no call in flight"));
      return;
    }
    expireAssemblies(ctx, now);
  }

  private void expireAssemblies(ChannelHandlerContext ctx, long now) {
    if (assemblies.isEmpty()) {
      return;
    }
    Iterator<IntObjectMap.PrimitiveEntry<Assembly>> entries = assemblies.entries().iterator();
    while (entries.hasNext()) {
      IntObjectMap.PrimitiveEntry<Assembly> entry = entries.next();
      Assembly arriving = entry.value();
      if (now - arriving.startedAt < assemblyNanos) {
        continue;
      }
      if (arriving.refused) {
        // The peer may never send the rest; what it does send later is a new request or a protocol error.
        entries.remove();
        forget(arriving);
        continue;
      }
      refuse(ctx, entry.key(), arriving, MicroException.timeout(service,
          "the request's fragments did not arrive within %d ms", TimeUnit.NANOSECONDS.toMillis(assemblyNanos)));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      protocolError(ctx, "a frame longer than the maximum frame length");
    } else if (cause instanceof IOException) {
      LOG.debug("closing connection from {}: {}", peer(ctx), cause.toString());
      closing = true;
      ctx.close();
    } else {
      LOG.warn("closing connection from {} after an unexpected error", peer(ctx), cause);
      closing = true;
      ctx.close();
    }
  }

  private void protocolError(ChannelHandlerContext ctx, String problem) {
    if (closing) {
      return;
    }
    WARNINGS.warn(LOG, "closing connection from {}: protocol error: {}", peer(ctx), problem);
    closeWith(ctx, new ConnectionErrorException("protocol error: " + problem));
  }

  /** Sends a connection-level error frame after the frames already queued, then closes. */
  private void closeWith(ChannelHandlerContext ctx, RSocketErrorException error) {
    closing = true;
    ctx.channel().config().setAutoRead(false);
    ctx.writeAndFlush(wrap(ErrorFrameCodec.encode(ctx.alloc(), 0, error))).addListener(ChannelFutureListener.CLOSE);
  }

  private void send(ChannelHandlerContext ctx, int streamId, RSocketErrorException error) {
    ctx.writeAndFlush(wrap(ErrorFrameCodec.encode(ctx.alloc(), streamId, error)), ctx.voidPromise());
  }

  /** Returns a frame as this connection carries it: length-prefixed on TCP, a binary frame on WebSocket. */
  private Object wrap(ByteBuf frame) {
    if (websocket) {
      return new BinaryWebSocketFrame(frame);
    }
    ByteBufAllocator alloc = frame.alloc();
    return FrameLengthCodec.encode(alloc, frame.readableBytes(), frame);
  }

  private void stopTicking() {
    ScheduledFuture<?> scheduled = ticker;
    if (scheduled != null) {
      ticker = null;
      scheduled.cancel(false);
    }
  }

  private static String peer(ChannelHandlerContext ctx) {
    return String.valueOf(ctx.channel().remoteAddress());
  }

  private static String name(int type) {
    try {
      return FrameType.fromEncodedType(type).name();
    } catch (IllegalArgumentException unknown) {
      return String.format("unknown (type 0x%02X)", type);
    }
  }
}
