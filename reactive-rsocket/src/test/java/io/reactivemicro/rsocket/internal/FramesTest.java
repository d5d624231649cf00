package io.reactivemicro.rsocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.rsocket.frame.FrameLengthCodec;
import io.rsocket.frame.PayloadFrameCodec;
import io.rsocket.util.ByteBufPayload;
import org.junit.jupiter.api.Test;

/** Outgoing frames copied into one buffer, or left as rsocket-java's composites when large. */
class FramesTest {

  private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

  @Test
  void aSmallFrameBecomesOneDirectBufferWithItsLengthPrefix() {
    ByteBuf frame = payloadFrame(100);
    assertThat(frame).isInstanceOf(CompositeByteBuf.class);
    ByteBuf expected = Unpooled.copiedBuffer(frame);

    ByteBuf framed = Frames.withLength(alloc, frame);
    try {
      assertThat(frame.refCnt()).isZero();
      assertThat(framed.nioBufferCount()).isEqualTo(1);
      assertThat(framed.isDirect()).isTrue();
      assertThat(FrameLengthCodec.length(framed)).isEqualTo(expected.readableBytes());
      assertThat(FrameLengthCodec.frame(framed)).isEqualTo(expected);
    } finally {
      framed.release();
    }
  }

  @Test
  void aFrameAboveTheLimitKeepsItsPartsUncopied() {
    ByteBuf frame = payloadFrame(Frames.COPY_LIMIT + 1);
    ByteBuf expected = Unpooled.copiedBuffer(frame);

    ByteBuf framed = Frames.withLength(alloc, frame);
    try {
      assertThat(framed.nioBufferCount()).isGreaterThan(1);
      assertThat(FrameLengthCodec.frame(framed)).isEqualTo(expected);
    } finally {
      framed.release();
    }
    assertThat(frame.refCnt()).isZero();
  }

  @Test
  void aWebSocketFrameIsCopiedOnlyWhenItHasParts() {
    ByteBuf single = alloc.directBuffer().writeLong(42);
    assertThat(Frames.contiguous(alloc, single)).isSameAs(single);
    single.release();

    ByteBuf frame = payloadFrame(100);
    ByteBuf expected = Unpooled.copiedBuffer(frame);
    ByteBuf copied = Frames.contiguous(alloc, frame);
    try {
      assertThat(frame.refCnt()).isZero();
      assertThat(copied.nioBufferCount()).isEqualTo(1);
      assertThat(copied).isEqualTo(expected);
    } finally {
      copied.release();
    }
  }

  private ByteBuf payloadFrame(int dataBytes) {
    ByteBuf data = alloc.directBuffer(dataBytes);
    for (int i = 0; i < dataBytes; i++) {
      data.writeByte(i);
    }
    return PayloadFrameCodec.encodeNextReleasingPayload(alloc, 1, ByteBufPayload.create(data));
  }
}
