package io.reactivemicro.rsocket.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.rsocket.RSocketErrorException;
import io.rsocket.frame.ErrorFrameCodec;
import io.rsocket.frame.FrameLengthCodec;
import io.rsocket.internal.BaseDuplexConnection;
import java.net.SocketAddress;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * A connection's frames to and from rsocket-java, over TCP (with the 3-byte length prefix) or WebSocket
 * (one binary message a frame). Small frames leave as one buffer each ({@link Frames}). On the server it
 * tells {@link OutboundPressure} how much waits to be written.
 *
 * <p>rsocket-java queues outgoing frames without bound, and Reactor Netty takes at most 128 of them at a
 * time into the channel, so a queue of small frames never makes the channel unwritable however long it
 * grows. Counting what is queued here lets the connection stop reading, and streams stop emitting, once
 * that queue is above its high-water mark, whatever the size of the frames.
 */
final class TransportConnection extends BaseDuplexConnection {

  private final Connection connection;
  private final boolean websocket;
  private final @Nullable OutboundPressure pressure;

  /**
   * Wraps a connection.
   *
   * @param connection the connection, with a length codec in its pipeline unless it is a WebSocket
   * @param websocket whether frames travel as WebSocket messages
   * @param pressure what counts the frames waiting to be written, or {@code null} for none (a client)
   */
  TransportConnection(Connection connection, boolean websocket, @Nullable OutboundPressure pressure) {
    this.connection = connection;
    this.websocket = websocket;
    this.pressure = pressure;
    Flux<ByteBuf> frames = pressure == null ? sender : sender.doOnNext(frame -> pressure.dequeued(frame.readableBytes()));
    Mono<Void> sent = websocket
        ? connection.outbound().sendObject(frames.map(BinaryWebSocketFrame::new)).then()
        : connection.outbound().send(frames).then();
    sent.doFinally(signal -> connection.dispose()).subscribe();
  }

  @Override
  public ByteBufAllocator alloc() {
    return connection.channel().alloc();
  }

  @Override
  public SocketAddress remoteAddress() {
    return connection.channel().remoteAddress();
  }

  @Override
  public void sendFrame(int streamId, ByteBuf frame) {
    ByteBuf framed = websocket ? Frames.contiguous(alloc(), frame) : Frames.withLength(alloc(), frame);
    if (pressure != null) {
      pressure.enqueued(framed.readableBytes());
    }
    super.sendFrame(streamId, framed);
  }

  @Override
  public void sendErrorAndClose(RSocketErrorException error) {
    ByteBuf frame = ErrorFrameCodec.encode(alloc(), 0, error);
    sender.tryEmitFinal(websocket ? frame : FrameLengthCodec.encode(alloc(), frame.readableBytes(), frame));
  }

  @Override
  public Flux<ByteBuf> receive() {
    Flux<ByteBuf> received = connection.inbound().receive();
    return websocket ? received : received.map(FrameLengthCodec::frame);
  }

  @Override
  protected void doOnClose() {
    connection.dispose();
  }

  @Override
  public Mono<Void> onClose() {
    return Mono.whenDelayError(super.onClose(), connection.onTerminate());
  }

  @Override
  public String toString() {
    return "TransportConnection{" + connection.channel() + (websocket ? ", websocket}" : "}");
  }
}
