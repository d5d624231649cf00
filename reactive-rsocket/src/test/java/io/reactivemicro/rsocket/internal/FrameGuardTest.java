package io.reactivemicro.rsocket.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.transport.TransportOptions;
import io.rsocket.frame.FrameType;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The frame guard on its own, in an {@link EmbeddedChannel}: which frames reach rsocket-java (a handler
 * after the guard records them), which are held, and what the guard answers itself.
 */
class FrameGuardTest {

  private static final int MAX_CALLS = 4;

  private final List<ByteBuf> passed = new ArrayList<>();
  private OutboundPressure pressure;
  private FrameGuard guard;
  private EmbeddedChannel channel;

  @BeforeEach
  void open() {
    pressure = new OutboundPressure();
    guard = new FrameGuard("guarded", false, pressure,
        TransportOptions.defaults().withMaxCallsPerConnection(MAX_CALLS).withMaxInboundPayloadSize(4096));
    channel = new EmbeddedChannel(pressure, guard, new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        passed.add((ByteBuf) msg);
      }
    });
    channel.writeInbound(frame(0, 0x01, 0, setupBody()));
    assertThat(passed).hasSize(1);
  }

  @AfterEach
  void close() {
    passed.forEach(ReferenceCountUtil::release);
    Object written;
    while ((written = channel.readOutbound()) != null) {
      ReferenceCountUtil.release(written);
    }
    channel.finishAndReleaseAll();
  }

  @Test
  void framesReadWhileTheConnectionIsBlockedAreHeldThenPassedOnInOrder() {
    pressure.enqueued(OutboundPressure.HIGH_BYTES + 1);
    assertThat(pressure.writable()).isFalse();
    assertThat(channel.config().isAutoRead()).as("reading while blocked").isFalse();

    for (int i = 0; i < 100; i++) {
      channel.writeInbound(request(2 * i + 1));
    }
    assertThat(passed).as("frames passed on while blocked").hasSize(1);

    pressure.dequeued(OutboundPressure.HIGH_BYTES + 1);
    assertThat(pressure.writable()).isTrue();
    assertThat(channel.config().isAutoRead()).as("reading once unblocked").isTrue();
    assertThat(passed).hasSize(101);
    for (int i = 0; i < 100; i++) {
      assertThat(streamId(passed.get(i + 1))).isEqualTo(2 * i + 1);
    }
  }

  @Test
  void aRequestBeyondTheMaximumOfCallsInFlightIsRejectedWith429AndNotPassedOn() {
    for (int i = 0; i < MAX_CALLS; i++) {
      guard.interceptor().onStart(2 * i + 1, FrameType.REQUEST_RESPONSE, null);
    }
    channel.writeInbound(request(99));

    assertThat(passed).hasSize(1);
    ByteBuf error = channel.readOutbound();
    try {
      assertThat(streamIdOf(error, 3)).isEqualTo(99);
      assertThat(error.getInt(error.readerIndex() + 9)).as("error code").isEqualTo(0x202);
      MicroException refused = MicroException.parse(error.toString(error.readerIndex() + 13,
          error.readableBytes() - 13, UTF_8));
      assertThat(refused.code()).isEqualTo(429);
    } finally {
      error.release();
    }

    guard.interceptor().onTerminate(1, FrameType.REQUEST_RESPONSE, null);
    channel.writeInbound(request(101));
    assertThat(passed).hasSize(2);
  }

  @Test
  void aRequestNForARequestStillArrivingIsHeldAndPassedOnAfterItsLastFragment() {
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    first.writeBytes(new byte[] {0, 0, 0, 1});
    first.writeBytes(new byte[] {0, 0, 0});
    channel.writeInbound(frame(7, 0x06, 0x80, first.toByteArray()));
    channel.writeInbound(frame(7, 0x08, 0, new byte[] {0, 0, 0, 5}));
    assertThat(passed).as("the REQUEST_N is held").hasSize(2);

    channel.writeInbound(frame(7, 0x0A, 0x20, "1".getBytes(UTF_8)));

    assertThat(passed).hasSize(4);
    ByteBuf requestN = passed.get(3);
    assertThat(streamId(requestN)).isEqualTo(7);
    assertThat(requestN.getUnsignedShort(requestN.readerIndex() + 7) >>> 10).isEqualTo(0x08);
    assertThat(requestN.getInt(requestN.readerIndex() + 9)).isEqualTo(5);
  }

  @Test
  void malformedFramesCloseTheConnectionWithAConnectionErrorAndReachNoFurther() {
    List<byte[]> malformed = List.of(
        bytes(frame(1, 0x0A, 0, new byte[0])),
        bytes(frame(2, 0x04, 0, new byte[0])),
        bytes(frame(1, 0x08, 0, new byte[] {0, 0, 0, 0})),
        bytes(frame(0, 0x03, 0, new byte[2])),
        bytes(frame(1, 0x04, 0x100, new byte[] {0, 0, 9})),
        bytes(frame(1, 0x3F, 0, new byte[0])),
        bytes(frame(0, 0x01, 0, setupBody())),
        new byte[] {0, 0, 2, 1, 2});
    for (byte[] bad : malformed) {
      close();
      passed.clear();
      open();
      channel.writeInbound(Unpooled.wrappedBuffer(bad));
      channel.runPendingTasks();

      assertThat(passed).as("frames passed on after %s", hex(bad)).hasSize(1);
      ByteBuf error = channel.readOutbound();
      try {
        assertThat(streamIdOf(error, 3)).isZero();
        assertThat(error.getInt(error.readerIndex() + 9)).as("error code").isEqualTo(0x101);
      } finally {
        error.release();
      }
      assertThat(channel.isOpen()).as("open after %s", hex(bad)).isFalse();
    }
  }

  @Test
  void fragmentsBeyondTheReassemblyBudgetAreRefusedAndRsocketJavaToldToCancel() {
    channel.writeInbound(frame(1, 0x04, 0x80, new byte[3000]));
    channel.writeInbound(frame(1, 0x0A, 0xA0, new byte[3000]));

    // The first fragment went on; the second would pass the budget, so the request is refused.
    assertThat(passed).hasSize(3);
    ByteBuf cancel = passed.get(2);
    assertThat(cancel.getUnsignedShort(cancel.readerIndex() + 7) >>> 10).as("frame type").isEqualTo(0x09);
    ByteBuf error = channel.readOutbound();
    try {
      assertThat(streamIdOf(error, 3)).isEqualTo(1);
      assertThat(MicroException.parse(error.toString(error.readerIndex() + 13, error.readableBytes() - 13, UTF_8))
          .code()).isEqualTo(413);
    } finally {
      error.release();
    }

    // The rest of the refused request is dropped; the connection serves the next one.
    channel.writeInbound(frame(1, 0x0A, 0x20, new byte[10]));
    channel.writeInbound(request(3));
    assertThat(passed).hasSize(4);
    assertThat(streamId(passed.get(3))).isEqualTo(3);
  }

  private static ByteBuf request(int streamId) {
    return frame(streamId, 0x04, 0, "{}".getBytes(UTF_8));
  }

  private static ByteBuf frame(int streamId, int type, int flags, byte[] body) {
    ByteBuf frame = Unpooled.buffer();
    frame.writeMedium(6 + body.length);
    frame.writeInt(streamId);
    frame.writeShort((type << 10) | flags);
    frame.writeBytes(body);
    return frame;
  }

  private static byte[] bytes(ByteBuf frame) {
    try {
      byte[] bytes = new byte[frame.readableBytes()];
      frame.readBytes(bytes);
      return bytes;
    } finally {
      frame.release();
    }
  }

  private static byte[] setupBody() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0, 1, 0, 0, 0, 0, 0x4E, 0x20, 0, 1, 0x5F, (byte) 0x90});
    byte[] metadataMime = "message/x.rsocket.composite-metadata.v0".getBytes(UTF_8);
    byte[] dataMime = "application/json".getBytes(UTF_8);
    body.write(metadataMime.length);
    body.writeBytes(metadataMime);
    body.write(dataMime.length);
    body.writeBytes(dataMime);
    return body.toByteArray();
  }

  /** Returns the stream id of a length-prefixed frame. */
  private static int streamId(ByteBuf frame) {
    return streamIdOf(frame, 3);
  }

  private static int streamIdOf(ByteBuf frame, int offset) {
    return frame.getInt(frame.readerIndex() + offset);
  }

  private static String hex(byte[] bytes) {
    StringBuilder text = new StringBuilder();
    for (byte b : bytes) {
      text.append(String.format("%02x", b));
    }
    return text.toString();
  }
}
