package io.reactivemicro.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

class JsonCodecTest {

  record Item(String name, int count, List<String> tags) {}

  /** A record whose constructor checks its input. */
  record Positive(int value) {
    Positive {
      if (value <= 0) {
        throw new IllegalArgumentException("value must be positive, not " + value);
      }
    }
  }

  /** A private record, whose constructor only Jackson's access override can reach. */
  private record Hidden(String name, double total) {}

  private final JsonCodec codec = new JsonCodec();

  @Test
  void recordRoundTrips() {
    Item item = new Item("apple", 3, List.of("red", "fruit"));

    byte[] json = codec.encoder(Item.class).encode(item);

    assertThat(new String(json, StandardCharsets.UTF_8))
        .isEqualTo("{\"name\":\"apple\",\"count\":3,\"tags\":[\"red\",\"fruit\"]}");
    assertThat(codec.decoder(Item.class).decode(ByteBuffer.wrap(json))).isEqualTo(item);
  }

  @Test
  void unknownPropertiesAreIgnored() {
    Object decoded = codec.decoder(Item.class)
        .decode(utf8("{\"name\":\"pear\",\"colour\":\"green\",\"count\":1,\"nested\":{\"a\":[1,2]}}"));

    assertThat(decoded).isEqualTo(new Item("pear", 1, null));
  }

  @Test
  void encodingOntoAStreamWritesTheSameBytesAndLeavesItOpen() throws IOException {
    Item item = new Item("apple", 3, List.of("red", "fruit"));
    Codec.Encoder encoder = codec.encoder(Item.class);
    boolean[] closed = {false};
    ByteArrayOutputStream out = new ByteArrayOutputStream() {
      @Override
      public void close() {
        closed[0] = true;
      }
    };

    encoder.encode(item, out);
    encoder.encode(null, out);

    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(new String(encoder.encode(item), StandardCharsets.UTF_8) + "{}");
    assertThat(closed[0]).isFalse();
  }

  @Test
  void aRecordConstructorRefusingItsInputIsACodecExceptionWithItsMessage() {
    Codec.Decoder decoder = codec.decoder(Positive.class);

    assertThat(decoder.decode(utf8("{\"value\": 2}"))).isEqualTo(new Positive(2));
    assertThatThrownBy(() -> decoder.decode(utf8("{\"value\": -1}")))
        .isInstanceOf(CodecException.class)
        .hasMessageStartingWith("malformed JSON for Positive")
        .hasMessageContaining("value must be positive, not -1");
  }

  @Test
  void privateRecordsDecodeAgainAndAgain() {
    Codec.Decoder decoder = codec.decoder(Hidden.class);

    for (int i = 0; i < 3; i++) {
      assertThat(decoder.decode(utf8("{\"name\": \"a\", \"total\": " + i + ".5}"))).isEqualTo(new Hidden("a", i + 0.5));
    }
  }

  @Test
  void malformedJsonIsACodecExceptionNamingTheType() {
    Codec.Decoder decoder = codec.decoder(Item.class);

    assertThatThrownBy(() -> decoder.decode(utf8("{\"name\": \"apple\", ")))
        .isInstanceOf(CodecException.class)
        .hasMessageStartingWith("malformed JSON for Item");
  }

  @Test
  void wrongShapeIsACodecException() {
    Codec.Decoder decoder = codec.decoder(Item.class);

    assertThatThrownBy(() -> decoder.decode(utf8("{\"count\":\"many\"}")))
        .isInstanceOf(CodecException.class);
  }

  @Test
  void genericTypesDecodeWithTheirElementType() throws NoSuchMethodException {
    Type listOfItems = JsonCodecTest.class.getDeclaredMethod("items").getGenericReturnType();

    Object decoded = codec.decoder(listOfItems)
        .decode(utf8("[{\"name\":\"a\",\"count\":1,\"tags\":[]},{\"name\":\"b\",\"count\":2,\"tags\":[\"x\"]}]"));

    assertThat(decoded).isEqualTo(List.of(new Item("a", 1, List.of()), new Item("b", 2, List.of("x"))));
  }

  @Test
  void directBufferDecodes() {
    byte[] json = "{\"name\":\"direct\",\"count\":9,\"tags\":[]}".getBytes(StandardCharsets.UTF_8);
    ByteBuffer direct = ByteBuffer.allocateDirect(json.length);
    direct.put(json).flip();

    assertThat(codec.decoder(Item.class).decode(direct)).isEqualTo(new Item("direct", 9, List.of()));
    assertThat(direct.remaining()).as("the caller's buffer is left as it was").isEqualTo(json.length);
  }

  @Test
  void heapBufferDecodesOnlyItsRemainingBytes() {
    byte[] framed = "xxxx{\"name\":\"slice\",\"count\":2,\"tags\":[]}yyyy".getBytes(StandardCharsets.UTF_8);
    ByteBuffer window = ByteBuffer.wrap(framed, 4, framed.length - 8);
    ByteBuffer slice = ByteBuffer.wrap(framed).position(4).slice().limit(framed.length - 8);

    assertThat(codec.decoder(Item.class).decode(window)).isEqualTo(new Item("slice", 2, List.of()));
    assertThat(codec.decoder(Item.class).decode(slice)).isEqualTo(new Item("slice", 2, List.of()));
  }

  @Test
  void nullEncodesAsAnEmptyObjectAndNoBytesDecodeAsNull() {
    assertThat(codec.encoder(Item.class).encode(null)).asString(StandardCharsets.UTF_8).isEqualTo("{}");
    assertThat(codec.decoder(Item.class).decode(ByteBuffer.allocate(0))).isNull();
  }

  @Test
  void mapsAndScalarsRoundTrip() {
    Map<String, Object> value = Map.of("n", 1);

    byte[] json = codec.encoder(Object.class).encode(value);

    assertThat(codec.decoder(Map.class).decode(ByteBuffer.wrap(json))).isEqualTo(value);
    assertThat(codec.decoder(String.class).decode(utf8("\"plain\""))).isEqualTo("plain");
  }

  @Test
  void directBuffersOfEverySizeDecodeOneAfterAnother() {
    Codec.Decoder decoder = codec.decoder(Item.class);
    for (int size : new int[] {10, 300, 20_000, 5}) {
      Item item = new Item("n".repeat(size), size, List.of());
      byte[] json = codec.encoder(Item.class).encode(item);
      ByteBuffer direct = ByteBuffer.allocateDirect(json.length + 2);
      direct.put((byte) ' ').put(json).flip().position(1);

      assertThat(decoder.decode(direct)).isEqualTo(item);
    }
  }

  @Test
  void aDeserializerDecodingWithTheSameCodecDoesNotDisturbTheOuterMessage() {
    JsonCodec[] self = new JsonCodec[1];
    self[0] = new JsonCodec(JsonMapper.builder()
        .addModule(new SimpleModule().addDeserializer(Positive.class, new ValueDeserializer<Positive>() {
          @Override
          public Positive deserialize(JsonParser parser, DeserializationContext context) {
            byte[] inner = "{\"name\":\"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\",\"count\":9,\"tags\":[]}"
                .getBytes(StandardCharsets.UTF_8);
            ByteBuffer direct = ByteBuffer.allocateDirect(inner.length).put(inner).flip();
            Item item = (Item) self[0].decoder(Item.class).decode(direct);
            return new Positive(item.count() + parser.getIntValue());
          }
        }))
        .build());
    byte[] outer = "[1,2]".getBytes(StandardCharsets.UTF_8);
    ByteBuffer direct = ByteBuffer.allocateDirect(outer.length).put(outer).flip();

    Object decoded = self[0].decoder(new TypeRef<List<Positive>>() {}.type()).decode(direct);

    assertThat(decoded).isEqualTo(List.of(new Positive(10), new Positive(11)));
  }

  @Test
  void successiveMessagesOnOneThreadAreEachACompleteValue() throws IOException {
    Codec.Encoder numbers = codec.encoder(Integer.class);
    Codec.Encoder items = codec.encoder(Item.class);

    assertThat(new String(numbers.encode(1), StandardCharsets.UTF_8)).isEqualTo("1");
    assertThat(new String(numbers.encode(2), StandardCharsets.UTF_8)).isEqualTo("2");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    numbers.encode(3, out);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("3");
    assertThat(new String(items.encode(new Item("a", 1, List.of())), StandardCharsets.UTF_8))
        .isEqualTo("{\"name\":\"a\",\"count\":1,\"tags\":[]}");
  }

  @Test
  void aMessageLargerThanJacksonsBufferIsWholeAndTheNextOneIsSmallAgain() throws IOException {
    String large = "x".repeat(100_000);
    Codec.Encoder strings = codec.encoder(String.class);

    assertThat(strings.encode(large)).hasSize(large.length() + 2);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    strings.encode(large, out);
    assertThat(out.size()).isEqualTo(large.length() + 2);
    assertThat(new String(strings.encode("y"), StandardCharsets.UTF_8)).isEqualTo("\"y\"");
  }

  @Test
  void aFailedMessageLeavesNothingBehindForTheNext() throws IOException {
    JsonCodec failing = new JsonCodec(JsonMapper.builder()
        .addModule(new SimpleModule().addSerializer(Positive.class, new ValueSerializer<Positive>() {
          @Override
          public void serialize(Positive value, JsonGenerator gen, SerializationContext context) {
            gen.writeStartObject();
            gen.writeName("half");
            throw new IllegalStateException("refused " + value.value());
          }
        }))
        .build());
    Codec.Encoder refused = failing.encoder(Positive.class);
    Codec.Encoder items = failing.encoder(Item.class);

    assertThatThrownBy(() -> refused.encode(new Positive(1))).hasMessageContaining("refused 1");
    assertThat(new String(items.encode(new Item("b", 2, List.of("c"))), StandardCharsets.UTF_8))
        .isEqualTo("{\"name\":\"b\",\"count\":2,\"tags\":[\"c\"]}");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputStream broken = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("disk full");
      }
    };
    assertThatThrownBy(() -> items.encode(new Item("d", 4, List.of()), broken))
        .isInstanceOf(IOException.class).hasMessage("disk full");
    items.encode(new Item("e", 5, List.of()), out);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"e\",\"count\":5,\"tags\":[]}");
  }

  @Test
  void aSerializerEncodingWithTheSameCodecGetsAGeneratorOfItsOwn() {
    JsonCodec[] self = new JsonCodec[1];
    self[0] = new JsonCodec(JsonMapper.builder()
        .addModule(new SimpleModule().addSerializer(Positive.class, new ValueSerializer<Positive>() {
          @Override
          public void serialize(Positive value, JsonGenerator gen, SerializationContext context) {
            byte[] inner = self[0].encoder(Item.class).encode(new Item("inner", value.value(), List.of()));
            gen.writeString(new String(inner, StandardCharsets.UTF_8));
          }
        }))
        .build());

    byte[] json = self[0].encoder(Positive.class).encode(new Positive(7));

    assertThat(self[0].decoder(String.class).decode(ByteBuffer.wrap(json)))
        .isEqualTo("{\"name\":\"inner\",\"count\":7,\"tags\":[]}");
  }

  @Test
  void threadsEncodingAtOnceKeepTheirMessagesApart() throws Exception {
    Codec.Encoder encoder = codec.encoder(Item.class);
    Codec.Decoder decoder = codec.decoder(Item.class);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        String name = "thread-" + t;
        results.add(threads.submit(() -> {
          for (int i = 0; i < 5_000; i++) {
            Item item = new Item(name, i, List.of(name));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            encoder.encode(item, out);
            if (!item.equals(decoder.decode(ByteBuffer.wrap(encoder.encode(item))))
                || !item.equals(decoder.decode(ByteBuffer.wrap(out.toByteArray())))) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get(60, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @SuppressWarnings("unused")
  private static List<Item> items() {
    return List.of();
  }

  private static ByteBuffer utf8(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }
}
