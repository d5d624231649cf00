package io.reactivemicro.broker.spi;

import io.reactivemicro.broker.Message;
import io.reactivemicro.errors.MicroException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A message's headers and body in one byte array, for brokers whose transport carries only bytes
 * (Redis pub/sub and lists, the RSocket broker). Layout, big-endian: a magic byte {@code 0x4D}, a
 * version byte {@code 1}, a header count (int), each header as name and value, each a length (int) and
 * UTF-8 bytes, then the body length (int) and the body. Not API.
 */
public final class MessageEnvelope {

  private static final byte MAGIC = 0x4D;
  private static final byte VERSION = 1;

  private MessageEnvelope() {}

  /**
   * Encodes a message.
   *
   * @param message the message
   * @return its envelope
   */
  public static byte[] encode(Message message) {
    List<byte[]> parts = new ArrayList<>(message.headers().size() * 2);
    int size = 2 + 4 + 4 + message.body().length;
    for (Map.Entry<String, String> header : message.headers().entrySet()) {
      byte[] name = header.getKey().getBytes(StandardCharsets.UTF_8);
      byte[] value = header.getValue().getBytes(StandardCharsets.UTF_8);
      parts.add(name);
      parts.add(value);
      size += 8 + name.length + value.length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(size);
    buffer.put(MAGIC).put(VERSION).putInt(message.headers().size());
    for (byte[] part : parts) {
      buffer.putInt(part.length).put(part);
    }
    buffer.putInt(message.body().length).put(message.body());
    return buffer.array();
  }

  /**
   * Decodes an envelope.
   *
   * @param envelope the bytes, which are not kept
   * @return the message
   * @throws MicroException a {@code 400} when the bytes are not an envelope
   */
  public static Message decode(ByteBuffer envelope) {
    try {
      if (envelope.get() != MAGIC || envelope.get() != VERSION) {
        throw MicroException.badRequest("io.reactivemicro.broker", "not a message envelope");
      }
      int count = envelope.getInt();
      if (count < 0 || count > envelope.remaining() / 8) {
        throw MicroException.badRequest("io.reactivemicro.broker", "corrupt message envelope");
      }
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        String name = new String(bytes(envelope), StandardCharsets.UTF_8);
        headers.put(name, new String(bytes(envelope), StandardCharsets.UTF_8));
      }
      return new Message(headers, bytes(envelope));
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw MicroException.badRequest("io.reactivemicro.broker", "corrupt message envelope");
    }
  }

  /** Decodes an envelope held in an array. */
  public static Message decode(byte[] envelope) {
    return decode(ByteBuffer.wrap(envelope));
  }

  private static byte[] bytes(ByteBuffer buffer) {
    int length = buffer.getInt();
    if (length < 0 || length > buffer.remaining()) {
      throw new IllegalArgumentException("length out of range");
    }
    byte[] bytes = new byte[length];
    buffer.get(bytes);
    return bytes;
  }
}
