package io.reactivemicro.store.file;

import io.reactivemicro.store.Record;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bytes a record is kept as in its MVMap: a format byte, the version, the expiry in epoch
 * milliseconds ({@link Long#MIN_VALUE} for none), the metadata and the value.
 */
final class RecordFormat {

  private static final byte FORMAT = 1;
  private static final long NEVER = Long.MIN_VALUE;

  private RecordFormat() {}

  static byte[] encode(Record record) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(record.size() + 64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeLong(record.version());
      out.writeLong(record.expiry() == null ? NEVER : record.expiry().toEpochMilli());
      out.writeInt(record.metadata().size());
      for (Map.Entry<String, String> entry : record.metadata().entrySet()) {
        writeString(out, entry.getKey());
        writeString(out, entry.getValue());
      }
      byte[] value = record.value();
      out.writeInt(value.length);
      out.write(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static Record decode(String key, byte[] stored) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
      byte format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalStateException("record '" + key + "' has unknown format " + format);
      }
      long version = in.readLong();
      long expiry = in.readLong();
      int entries = in.readInt();
      Map<String, String> metadata = new LinkedHashMap<>();
      for (int i = 0; i < entries; i++) {
        metadata.put(readString(in), readString(in));
      }
      byte[] value = new byte[in.readInt()];
      in.readFully(value);
      return new Record(key, value, metadata, expiry == NEVER ? null : Instant.ofEpochMilli(expiry), version);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads only the version and expiry, to check a condition without copying the value. */
  static long liveVersion(byte[] stored, long now) {
    long version = readLong(stored, 1);
    long expiry = readLong(stored, 9);
    return expiry != NEVER && expiry <= now ? 0 : version;
  }

  static long version(byte[] stored) {
    return readLong(stored, 1);
  }

  static boolean expiredAt(byte[] stored, long now) {
    long expiry = readLong(stored, 9);
    return expiry != NEVER && expiry <= now;
  }

  private static void writeString(DataOutputStream out, String text) throws IOException {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] utf8 = new byte[in.readInt()];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  private static long readLong(byte[] bytes, int offset) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (bytes[offset + i] & 0xffL);
    }
    return value;
  }
}
