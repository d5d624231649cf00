package io.reactivemicro.rsocket.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.rsocket.frame.FrameLengthCodec;

/**
 * Outgoing frames in one buffer each. rsocket-java builds a frame as a composite of its header and the
 * payload's buffers, and the TCP transport adds a composite for the 3-byte length prefix: writing such a
 * frame costs two composite buffers, their components and one NIO buffer per component, several times the
 * cost of copying a small frame. Frames up to {@link #COPY_LIMIT} bytes are therefore copied, with their
 * prefix, into one pooled direct buffer; larger ones keep rsocket-java's composites, so big payloads are
 * never copied.
 */
final class Frames {

  /** The largest frame copied into a buffer of its own, in bytes. */
  static final int COPY_LIMIT = 4096;

  private Frames() {}

  /**
   * Returns {@code frame} with its TCP length prefix, taking ownership of {@code frame}.
   *
   * @param alloc the connection's allocator
   * @param frame a frame, released by this call or by the buffer returned
   * @return the prefixed frame
   */
  static ByteBuf withLength(ByteBufAllocator alloc, ByteBuf frame) {
    int length = frame.readableBytes();
    if (length > COPY_LIMIT) {
      return FrameLengthCodec.encode(alloc, length, frame);
    }
    return copy(alloc, frame, true);
  }

  /**
   * Returns {@code frame} in one buffer (for a WebSocket message), taking ownership of {@code frame}.
   *
   * @param alloc the connection's allocator
   * @param frame a frame, released by this call or by the buffer returned
   * @return the frame in one buffer, or {@code frame} itself when it is already one or too large to copy
   */
  static ByteBuf contiguous(ByteBufAllocator alloc, ByteBuf frame) {
    if (frame.nioBufferCount() == 1 || frame.readableBytes() > COPY_LIMIT) {
      return frame;
    }
    return copy(alloc, frame, false);
  }

  private static ByteBuf copy(ByteBufAllocator alloc, ByteBuf frame, boolean prefix) {
    int length = frame.readableBytes();
    int size = prefix ? FrameLengthCodec.FRAME_LENGTH_SIZE + length : length;
    ByteBuf copy = null;
    try {
      copy = alloc.directBuffer(size, size);
      if (prefix) {
        copy.writeMedium(length);
      }
      // Read out of the frame part by part: writing a composite into a buffer would first merge its
      // parts into a temporary NIO buffer.
      frame.getBytes(frame.readerIndex(), copy, copy.writerIndex(), length);
      copy.writerIndex(copy.writerIndex() + length);
      ByteBuf result = copy;
      copy = null;
      return result;
    } finally {
      frame.release();
      if (copy != null) {
        copy.release();
      }
    }
  }
}
