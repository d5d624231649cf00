package io.reactivemicro.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code application/json} codec, on Jackson 3. Unknown properties are ignored, as Go's
 * {@code encoding/json} does, so services can add fields without breaking older callers.
 */
public final class JsonCodec implements Codec {

  /** The content type of this codec. */
  public static final String CONTENT_TYPE = "application/json";

  private static final byte[] EMPTY_OBJECT = {'{', '}'};

  private final JsonMapper mapper;

  /** Creates the codec with a mapper that ignores unknown properties. */
  public JsonCodec() {
    // Buffers recycled per thread: codecs run on a few event-loop threads, where a shared pool would
    // cost a synchronised hand-over and a queue node per message.
    this(JsonMapper.builder(JsonFactory.builder().recyclerPool(JsonRecyclerPools.threadLocalPool()).build())
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .addModule(new ConstructorInstantiators()).build());
  }

  /**
   * Creates the codec on a mapper of the application's own.
   *
   * @param mapper the mapper to encode and decode with
   */
  public JsonCodec(JsonMapper mapper) {
    this.mapper = mapper;
  }

  /** Returns the mapper this codec uses. */
  public JsonMapper mapper() {
    return mapper;
  }

  @Override
  public String contentType() {
    return CONTENT_TYPE;
  }

  @Override
  public Encoder encoder(Type type) {
    JavaType javaType = mapper.constructType(type);
    ObjectWriter writer = mapper.writerFor(javaType);
    // Jackson closes the target it writes to unless told not to; the caller owns it.
    ObjectWriter streaming = writer.without(StreamWriteFeature.AUTO_CLOSE_TARGET);
    return new Encoder() {
      @Override
      public byte[] encode(@Nullable Object value) {
        if (value == null) {
          return EMPTY_OBJECT;
        }
        try {
          return writer.writeValueAsBytes(value);
        } catch (JacksonException e) {
          throw new CodecException("cannot encode " + javaType + " as JSON: " + e.getOriginalMessage(), e);
        }
      }

      @Override
      public void encode(@Nullable Object value, OutputStream out) throws IOException {
        if (value == null) {
          out.write(EMPTY_OBJECT);
          return;
        }
        try {
          streaming.writeValue(out, value);
        } catch (JacksonIOException e) {
          throw e.getCause();
        } catch (JacksonException e) {
          throw new CodecException("cannot encode " + javaType + " as JSON: " + e.getOriginalMessage(), e);
        }
      }
    };
  }

  @Override
  public Decoder decoder(Type type) {
    JavaType javaType = mapper.constructType(type);
    ObjectReader reader = mapper.readerFor(javaType);
    return data -> {
      int length = data.remaining();
      if (length == 0) {
        return null;
      }
      try {
        if (data.hasArray()) {
          return reader.readValue(data.array(), data.arrayOffset() + data.position(), length);
        }
        byte[] copy = new byte[length];
        data.get(data.position(), copy);
        return reader.readValue(copy);
      } catch (JacksonException e) {
        throw new CodecException("malformed JSON for " + javaType.getRawClass().getSimpleName() + ": "
            + e.getOriginalMessage(), e);
      }
    };
  }
}
