package io.reactivemicro.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class BytesCodecTest {

  private static final byte[] PAYLOAD = {0, 1, 2, (byte) 0x7f, (byte) 0x80, (byte) 0xff, '{', '\n'};

  private final BytesCodec codec = new BytesCodec();

  @Test
  void byteArrayTravelsByteForByte() {
    byte[] encoded = codec.encoder(byte[].class).encode(PAYLOAD);

    assertThat(encoded).containsExactly(PAYLOAD);
    assertThat((byte[]) codec.decoder(byte[].class).decode(ByteBuffer.wrap(encoded))).containsExactly(PAYLOAD);
  }

  @Test
  void byteBufferEncodesItsRemainingBytesWithoutConsumingThem() {
    ByteBuffer buffer = ByteBuffer.allocate(PAYLOAD.length + 4);
    buffer.put(new byte[] {9, 9}).put(PAYLOAD).put(new byte[] {9, 9});
    buffer.position(2).limit(2 + PAYLOAD.length);

    byte[] encoded = codec.encoder(ByteBuffer.class).encode(buffer);

    assertThat(encoded).containsExactly(PAYLOAD);
    assertThat(buffer.position()).isEqualTo(2);
  }

  @Test
  void decodingToAByteBufferCopiesTheBytes() {
    ByteBuffer direct = ByteBuffer.allocateDirect(PAYLOAD.length).put(PAYLOAD).flip();

    ByteBuffer decoded = (ByteBuffer) codec.decoder(ByteBuffer.class).decode(direct);
    direct.put(0, (byte) 42);

    byte[] copy = new byte[decoded.remaining()];
    decoded.get(copy);
    assertThat(copy).containsExactly(PAYLOAD);
    assertThat(direct.position()).isZero();
  }

  @Test
  void nullEncodesAsNoBytes() {
    assertThat(codec.encoder(byte[].class).encode(null)).isEmpty();
  }

  @Test
  void otherTypesAreRefused() {
    assertThatThrownBy(() -> codec.encoder(String.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("application/octet-stream carries byte[] or ByteBuffer");
    assertThatThrownBy(() -> codec.decoder(String.class)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> codec.encoder(Object.class).encode("text")).isInstanceOf(CodecException.class);
  }
}
