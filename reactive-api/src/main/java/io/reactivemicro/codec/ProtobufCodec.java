package io.reactivemicro.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;

/**
 * The Protobuf codec for protobuf-java messages (generated classes extending {@link MessageLite}).
 * Speaks {@code application/protobuf} by default; {@link #legacy()} speaks {@code application/x-protobuf}.
 * Needs {@code com.google.protobuf:protobuf-java} on the classpath.
 */
public final class ProtobufCodec implements Codec {

  /** The content type of this codec. */
  public static final String CONTENT_TYPE = "application/protobuf";

  /** The older content type many clients still send. */
  public static final String LEGACY_CONTENT_TYPE = "application/x-protobuf";

  private static final byte[] EMPTY = new byte[0];

  private final String contentType;

  /** Creates the codec for {@code application/protobuf}. */
  public ProtobufCodec() {
    this(CONTENT_TYPE);
  }

  private ProtobufCodec(String contentType) {
    this.contentType = contentType;
  }

  /** Returns the codec for {@code application/x-protobuf}. */
  public static ProtobufCodec legacy() {
    return new ProtobufCodec(LEGACY_CONTENT_TYPE);
  }

  @Override
  public String contentType() {
    return contentType;
  }

  @Override
  public Encoder encoder(Type type) {
    messageClass(type);
    return value -> value == null ? EMPTY : ((MessageLite) value).toByteArray();
  }

  @Override
  public Decoder decoder(Type type) {
    Class<?> messageClass = messageClass(type);
    Parser<?> parser;
    try {
      Method method = messageClass.getMethod("parser");
      parser = (Parser<?>) method.invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(messageClass.getName() + " has no static parser(): is it a generated message?", e);
    }
    String name = messageClass.getSimpleName();
    return data -> {
      try {
        return parser.parseFrom(data.duplicate());
      } catch (InvalidProtocolBufferException e) {
        throw new CodecException("malformed protobuf for " + name + ": " + e.getMessage(), e);
      }
    };
  }

  private Class<?> messageClass(Type type) {
    if (type instanceof Class<?> c && MessageLite.class.isAssignableFrom(c)) {
      return c;
    }
    throw new IllegalArgumentException(contentType + " carries protobuf-java messages, not " + type.getTypeName());
  }
}
