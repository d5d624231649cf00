package io.reactivemicro.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Encodes and decodes messages of one content type.
 *
 * <p>Codecs prepare an {@link Encoder} and a {@link Decoder} once per Java type, when an endpoint or a
 * proxy is created, so that no per-call reflection or type look-up happens. Encoders and decoders are
 * thread-safe and never block.
 */
public interface Codec {

  /** Returns the content type this codec speaks, such as {@code application/json}. */
  String contentType();

  /**
   * Returns an encoder for values of {@code type}.
   *
   * @param type the declared type of the values
   * @return a reusable encoder
   * @throws IllegalArgumentException when this codec cannot encode that type
   */
  Encoder encoder(Type type);

  /**
   * Returns a decoder that produces values of {@code type}.
   *
   * @param type the type to produce
   * @return a reusable decoder
   * @throws IllegalArgumentException when this codec cannot decode into that type
   */
  Decoder decoder(Type type);

  /** Turns a value into bytes. */
  @FunctionalInterface
  interface Encoder {
    /**
     * Encodes a value.
     *
     * @param value the value; {@code null} encodes as the codec's empty message
     * @return its bytes
     * @throws CodecException when the value cannot be encoded
     */
    byte[] encode(@Nullable Object value);

    /**
     * Encodes a value onto {@code out}, for a transport that writes into buffers of its own; the default
     * writes what {@link #encode(Object)} returns. {@code out} is left open.
     *
     * @param value the value; {@code null} encodes as the codec's empty message
     * @param out where the bytes go
     * @throws CodecException when the value cannot be encoded
     * @throws IOException when {@code out} fails
     */
    default void encode(@Nullable Object value, OutputStream out) throws IOException {
      out.write(encode(value));
    }
  }

  /** Turns bytes into a value. */
  @FunctionalInterface
  interface Decoder {
    /**
     * Decodes a value from the remaining bytes of {@code data}, which the decoder must not keep: the
     * buffer may be released once the call returns.
     *
     * @param data the bytes
     * @return the value, or {@code null} for an empty JSON message
     * @throws CodecException when the bytes are not a valid message
     */
    @Nullable
    Object decode(ByteBuffer data);
  }
}
