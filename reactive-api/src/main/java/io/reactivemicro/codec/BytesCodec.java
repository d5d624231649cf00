package io.reactivemicro.codec;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;

/**
 * The {@code application/octet-stream} codec: {@code byte[]} and {@link ByteBuffer} values travel as
 * they are, with no encoding.
 */
public final class BytesCodec implements Codec {

  /** The content type of this codec. */
  public static final String CONTENT_TYPE = "application/octet-stream";

  private static final byte[] EMPTY = new byte[0];

  @Override
  public String contentType() {
    return CONTENT_TYPE;
  }

  @Override
  public Encoder encoder(Type type) {
    if (type != byte[].class && type != ByteBuffer.class && type != Object.class && type != Void.class) {
      throw new IllegalArgumentException(CONTENT_TYPE + " carries byte[] or ByteBuffer, not " + type.getTypeName());
    }
    return value -> {
      if (value == null) {
        return EMPTY;
      }
      if (value instanceof byte[] bytes) {
        return bytes;
      }
      if (value instanceof ByteBuffer buffer) {
        byte[] copy = new byte[buffer.remaining()];
        buffer.get(buffer.position(), copy);
        return copy;
      }
      throw new CodecException(CONTENT_TYPE + " carries byte[] or ByteBuffer, not " + value.getClass().getName());
    };
  }

  @Override
  public Decoder decoder(Type type) {
    if (type == ByteBuffer.class) {
      return data -> {
        byte[] copy = new byte[data.remaining()];
        data.get(data.position(), copy);
        return ByteBuffer.wrap(copy);
      };
    }
    if (type != byte[].class && type != Object.class && type != Void.class) {
      throw new IllegalArgumentException(CONTENT_TYPE + " carries byte[] or ByteBuffer, not " + type.getTypeName());
    }
    return data -> {
      byte[] copy = new byte[data.remaining()];
      data.get(data.position(), copy);
      return copy;
    };
  }
}
