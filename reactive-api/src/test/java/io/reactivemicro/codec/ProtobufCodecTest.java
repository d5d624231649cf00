package io.reactivemicro.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ProtobufCodecTest {

  @ParameterizedTest
  @ValueSource(strings = {"application/protobuf", "application/x-protobuf"})
  void messageRoundTripsUnderBothContentTypes(String contentType) {
    Codec codec = Codecs.defaults().get(contentType);
    StringValue message = StringValue.of("hello, protobuf");

    byte[] bytes = codec.encoder(StringValue.class).encode(message);

    assertThat(codec.contentType()).isEqualTo(contentType);
    assertThat(bytes).isEqualTo(message.toByteArray());
    assertThat(codec.decoder(StringValue.class).decode(ByteBuffer.wrap(bytes))).isEqualTo(message);
  }

  @Test
  void directBufferDecodes() {
    byte[] bytes = Int64Value.of(1234567890123L).toByteArray();
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();

    assertThat(new ProtobufCodec().decoder(Int64Value.class).decode(direct)).isEqualTo(Int64Value.of(1234567890123L));
    assertThat(direct.remaining()).isEqualTo(bytes.length);
  }

  @Test
  void nullEncodesAsTheEmptyMessage() {
    byte[] bytes = new ProtobufCodec().encoder(StringValue.class).encode(null);

    assertThat(bytes).isEmpty();
    assertThat(new ProtobufCodec().decoder(StringValue.class).decode(ByteBuffer.wrap(bytes)))
        .isEqualTo(StringValue.getDefaultInstance());
  }

  @Test
  void malformedBytesAreACodecException() {
    Codec.Decoder decoder = new ProtobufCodec().decoder(StringValue.class);

    assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(new byte[] {0x0a, 0x7f, 'x'})))
        .isInstanceOf(CodecException.class)
        .hasMessageStartingWith("malformed protobuf for StringValue");
  }

  @Test
  void typesThatAreNotMessagesAreRefused() {
    ProtobufCodec codec = new ProtobufCodec();

    assertThatThrownBy(() -> codec.encoder(String.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("application/protobuf carries protobuf-java messages, not java.lang.String");
    assertThatThrownBy(() -> codec.decoder(String.class)).isInstanceOf(IllegalArgumentException.class);
  }
}
