package io.reactivemicro.server.spi;

import io.reactivemicro.codec.Codec;
import io.reactivemicro.codec.CodecException;
import io.reactivemicro.errors.MicroException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The codec of one content type prepared for one endpoint's request and response types. Transports
 * get it from {@link ServerEndpoint#codec(String)}; it is cached, so no look-up happens per call.
 */
public final class EndpointCodec {

  private final String endpoint;
  private final Codec codec;
  private final Codec.@Nullable Decoder decoder;
  private final Codec.@Nullable Encoder encoder;

  EndpointCodec(String endpoint, Codec codec, Codec.@Nullable Decoder decoder, Codec.@Nullable Encoder encoder) {
    this.endpoint = endpoint;
    this.codec = codec;
    this.decoder = decoder;
    this.encoder = encoder;
  }

  /** Returns the content type. */
  public String contentType() {
    return codec.contentType();
  }

  /**
   * Decodes a request; the buffer may be released once this returns.
   *
   * @param data the request bytes
   * @return the request, or {@code null} when the endpoint takes none or the message is empty
   * @throws MicroException a 400 when the bytes are not a valid request
   */
  public @Nullable Object decode(ByteBuffer data) {
    if (decoder == null) {
      return null;
    }
    try {
      return decoder.decode(data);
    } catch (CodecException e) {
      throw MicroException.badRequest(endpoint, "%s", e.getMessage());
    }
  }

  /**
   * Encodes a response.
   *
   * @param response the response
   * @return its bytes
   * @throws MicroException a 500 when it cannot be encoded
   */
  public byte[] encode(@Nullable Object response) {
    if (encoder == null || response == null) {
      return new byte[0];
    }
    try {
      return encoder.encode(response);
    } catch (CodecException e) {
      throw encodingFailed(e);
    }
  }

  /**
   * Encodes a response onto {@code out}, for a transport that writes into buffers of its own; nothing
   * is written where {@link #encode(Object)} returns no bytes.
   *
   * @param response the response
   * @param out where the bytes go; left open
   * @throws MicroException a 500 when it cannot be encoded or {@code out} fails
   */
  public void encode(@Nullable Object response, OutputStream out) {
    if (encoder == null || response == null) {
      return;
    }
    try {
      encoder.encode(response, out);
    } catch (CodecException e) {
      throw encodingFailed(e);
    } catch (IOException e) {
      throw new MicroException(endpoint, 500, "cannot write the response: " + e.getMessage(),
          MicroException.statusText(500), e);
    }
  }

  private MicroException encodingFailed(CodecException e) {
    return new MicroException(endpoint, 500, e.getMessage(), MicroException.statusText(500), e);
  }
}
