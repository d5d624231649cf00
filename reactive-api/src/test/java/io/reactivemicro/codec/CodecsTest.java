package io.reactivemicro.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivemicro.errors.MicroException;
import java.lang.reflect.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecsTest {

  private final Codecs codecs = Codecs.defaults();

  @Test
  void defaultsSpeakJsonProtobufAndBytes() {
    assertThat(codecs.contentTypes()).containsExactly(
        "application/json", "application/protobuf", "application/x-protobuf", "application/octet-stream");
  }

  @Test
  void lookUpIgnoresParametersAndCase() {
    assertThat(codecs.get("Application/JSON; charset=utf-8")).isInstanceOf(JsonCodec.class);
    assertThat(codecs.get(" application/x-protobuf ")).isInstanceOf(ProtobufCodec.class);
    assertThat(codecs.get("APPLICATION/OCTET-STREAM;q=1")).isInstanceOf(BytesCodec.class);
  }

  @Test
  void unknownContentTypeIsA400NamingTheSupportedTypes() {
    assertThatThrownBy(() -> codecs.get("text/xml"))
        .isInstanceOfSatisfying(MicroException.class, error -> {
          assertThat(error.code()).isEqualTo(400);
          assertThat(error.detail())
              .contains("text/xml")
              .contains("application/json", "application/protobuf", "application/x-protobuf",
                  "application/octet-stream");
        });
    assertThat(codecs.find("text/xml")).isNull();
  }

  @Test
  void withReplacesTheCodecOfTheSameContentType() {
    Codec custom = new Codec() {
      @Override
      public String contentType() {
        return "Application/Json";
      }

      @Override
      public Encoder encoder(Type type) {
        return value -> new byte[] {1};
      }

      @Override
      public Decoder decoder(Type type) {
        return data -> "custom";
      }
    };

    Codecs replaced = codecs.with(custom);

    assertThat(replaced.get("application/json")).isSameAs(custom);
    assertThat(replaced.contentTypes()).hasSize(4);
    assertThat(codecs.get("application/json")).as("the original is unchanged").isInstanceOf(JsonCodec.class);
  }

  @Test
  void laterCodecOfTheSameTypeWins() {
    JsonCodec first = new JsonCodec();
    JsonCodec second = new JsonCodec();

    assertThat(Codecs.of(List.of(first, second)).get("application/json")).isSameAs(second);
  }

  @Test
  void normalizeDropsParametersAndLowersCase() {
    assertThat(Codecs.normalize("Application/JSON; charset=utf-8")).isEqualTo("application/json");
  }
}
