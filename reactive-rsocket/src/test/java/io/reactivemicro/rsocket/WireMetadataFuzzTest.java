package io.reactivemicro.rsocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.rsocket.internal.WireMetadata;
import io.reactivemicro.test.NettyLeaks;
import io.rsocket.metadata.WellKnownMimeType;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Fuzzes {@link WireMetadata#decode}, which reads a request's metadata as the peer sent it: composite
 * metadata with routing, per-stream mime type, bearer authentication and JSON headers. Whatever the
 * bytes, it answers with the request's route and headers or a 400, leaves the buffer as it found it, and
 * leaks nothing. Committed inputs are under
 * {@code src/test/resources/io/reactivemicro/rsocket/WireMetadataFuzzTestInputs}.
 */
class WireMetadataFuzzTest {

  private static final String COMPOSITE = WellKnownMimeType.MESSAGE_RSOCKET_COMPOSITE_METADATA.getString();
  private static final String ROUTING = WellKnownMimeType.MESSAGE_RSOCKET_ROUTING.getString();
  // Netty reports a leak only once the buffer is collected; looking for leaks costs a few collections.
  private static final int LEAK_CHECK_EVERY = 20_000;
  private static final int TRACK_EVERY = 8;

  private static int inputs;

  @FuzzTest(maxDuration = "5m")
  void decodeAnswersTheRouteOrA400AndLeavesTheBufferAlone(byte[] input) throws InterruptedException {
    if (input.length == 0) {
      return;
    }
    // The first byte picks the connection's metadata mime type from SETUP, mostly the wire contract's; the
    // rest is the request's metadata.
    String mimeType = switch (input[0] & 3) {
      case 0 -> ROUTING;
      case 1 -> "application/json";
      default -> COMPOSITE;
    };
    byte[] bytes = Arrays.copyOfRange(input, 1, input.length);
    // As the server's metadata: direct memory. One input in eight gets a pooled buffer that Netty's paranoid
    // leak detector tracks (recording every access, which is slow); the others an untracked one.
    ByteBuf metadata = ++inputs % TRACK_EVERY == 0
        ? PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes)
        : Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(bytes.length).put(bytes).flip());
    try {
      WireMetadata.Inbound inbound = WireMetadata.decode(metadata, mimeType, "application/json", "fuzz");
      assertThat(inbound.route()).isNotEmpty();
      assertThat(inbound.contentType()).isNotNull();
    } catch (MicroException e) {
      assertThat(e.code()).isEqualTo(400);
    } finally {
      assertThat(metadata.refCnt()).isEqualTo(1);
      assertThat(metadata.readerIndex()).isZero();
      assertThat(metadata.writerIndex()).isEqualTo(bytes.length);
      metadata.release();
    }
    if (inputs % LEAK_CHECK_EVERY == 0) {
      assertThat(NettyLeaks.collectLeaks()).isEmpty();
    }
  }
}
