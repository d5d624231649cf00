package io.reactivemicro.registry.mdns;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The part of the DNS message format (RFC 1035, with mDNS's cache-flush and unicast-response bits of RFC
 * 6762) that the registry speaks: questions, and PTR, SRV, TXT and A records. Names are written without
 * compression and read with it; other record types are read and kept as opaque records.
 *
 * @param response whether this is a response (QR bit set)
 * @param questions the questions
 * @param records every answer, authority and additional record, in order
 */
record DnsMessage(boolean response, List<Question> questions, List<DnsRecord> records) {

  static final int TYPE_A = 1;
  static final int TYPE_PTR = 12;
  static final int TYPE_TXT = 16;
  static final int TYPE_SRV = 33;
  static final int TYPE_ANY = 255;
  static final int CLASS_IN = 1;
  private static final int TOP_BIT = 0x8000;
  private static final int FLAGS_RESPONSE = 0x8400;

  DnsMessage {
    questions = List.copyOf(questions);
    records = List.copyOf(records);
  }

  /** A question. */
  record Question(String name, int type) {}

  /**
   * A resource record; {@code target} holds a PTR's or SRV's name, {@code texts} a TXT's strings,
   * {@code address} an A record's four bytes.
   */
  record DnsRecord(String name, int type, boolean cacheFlush, long ttl, @Nullable String target, int port,
      List<String> texts, byte[] address) {

    DnsRecord {
      texts = List.copyOf(texts);
      address = address.clone();
    }

    static DnsRecord ptr(String name, String target, long ttl) {
      return new DnsRecord(name, TYPE_PTR, false, ttl, target, 0, List.of(), new byte[0]);
    }

    static DnsRecord srv(String name, String target, int port, long ttl) {
      return new DnsRecord(name, TYPE_SRV, true, ttl, target, port, List.of(), new byte[0]);
    }

    static DnsRecord txt(String name, List<String> texts, long ttl) {
      return new DnsRecord(name, TYPE_TXT, true, ttl, null, 0, texts, new byte[0]);
    }

    static DnsRecord a(String name, byte[] address, long ttl) {
      return new DnsRecord(name, TYPE_A, true, ttl, null, 0, List.of(), address);
    }
  }

  static DnsMessage query(List<Question> questions) {
    return new DnsMessage(false, questions, List.of());
  }

  static DnsMessage response(List<DnsRecord> records) {
    return new DnsMessage(true, List.of(), records);
  }

  /** Encodes the message; every record goes into the answer section. */
  byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(encodedSize());
    out.putShort((short) 0);
    out.putShort((short) (response ? FLAGS_RESPONSE : 0));
    out.putShort((short) questions.size());
    out.putShort((short) records.size());
    out.putShort((short) 0);
    out.putShort((short) 0);
    for (Question question : questions) {
      writeName(out, question.name());
      out.putShort((short) question.type());
      out.putShort((short) CLASS_IN);
    }
    for (DnsRecord record : records) {
      writeName(out, record.name());
      out.putShort((short) record.type());
      out.putShort((short) (CLASS_IN | (record.cacheFlush() ? TOP_BIT : 0)));
      out.putInt((int) record.ttl());
      int lengthAt = out.position();
      out.putShort((short) 0);
      switch (record.type()) {
        case TYPE_PTR -> writeName(out, nonNull(record.target()));
        case TYPE_SRV -> {
          out.putShort((short) 0);
          out.putShort((short) 0);
          out.putShort((short) record.port());
          writeName(out, nonNull(record.target()));
        }
        case TYPE_TXT -> {
          for (String text : record.texts()) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            out.put((byte) bytes.length);
            out.put(bytes);
          }
        }
        case TYPE_A -> out.put(record.address());
        default -> throw new IllegalArgumentException("cannot encode record type " + record.type());
      }
      out.putShort(lengthAt, (short) (out.position() - lengthAt - 2));
    }
    return out.array();
  }

  /** Returns the size of {@link #encode()}'s result, checking names and strings on the way. */
  int encodedSize() {
    int size = 12;
    for (Question question : questions) {
      size += nameSize(question.name()) + 4;
    }
    for (DnsRecord record : records) {
      size += nameSize(record.name()) + 10;
      size += switch (record.type()) {
        case TYPE_PTR -> nameSize(nonNull(record.target()));
        case TYPE_SRV -> 6 + nameSize(nonNull(record.target()));
        case TYPE_TXT -> record.texts().stream().mapToInt(DnsMessage::textSize).sum();
        case TYPE_A -> record.address().length;
        default -> throw new IllegalArgumentException("cannot encode record type " + record.type());
      };
    }
    return size;
  }

  /**
   * Decodes a message.
   *
   * @throws IllegalArgumentException when it is malformed
   */
  static DnsMessage decode(ByteBuffer in) {
    try {
      int start = in.position();
      in.getShort();
      int flags = in.getShort() & 0xFFFF;
      int questionCount = in.getShort() & 0xFFFF;
      int recordCount = (in.getShort() & 0xFFFF) + (in.getShort() & 0xFFFF) + (in.getShort() & 0xFFFF);
      List<Question> questions = new ArrayList<>(Math.min(questionCount, 64));
      for (int i = 0; i < questionCount; i++) {
        String name = readName(in, start);
        int type = in.getShort() & 0xFFFF;
        in.getShort();
        questions.add(new Question(name, type));
      }
      List<DnsRecord> records = new ArrayList<>(Math.min(recordCount, 64));
      for (int i = 0; i < recordCount; i++) {
        String name = readName(in, start);
        int type = in.getShort() & 0xFFFF;
        int recordClass = in.getShort() & 0xFFFF;
        long ttl = in.getInt() & 0xFFFFFFFFL;
        int length = in.getShort() & 0xFFFF;
        int end = in.position() + length;
        if (end > in.limit()) {
          throw new IllegalArgumentException("record data runs past the packet");
        }
        boolean cacheFlush = (recordClass & TOP_BIT) != 0;
        DnsRecord record = switch (type) {
          case TYPE_PTR -> DnsRecord.ptr(name, readName(in, start), ttl);
          case TYPE_SRV -> {
            in.getShort();
            in.getShort();
            int port = in.getShort() & 0xFFFF;
            yield new DnsRecord(name, type, cacheFlush, ttl, readName(in, start), port, List.of(), new byte[0]);
          }
          case TYPE_TXT -> {
            List<String> texts = new ArrayList<>();
            while (in.position() < end) {
              byte[] bytes = new byte[in.get() & 0xFF];
              in.get(bytes);
              texts.add(new String(bytes, StandardCharsets.UTF_8));
            }
            yield new DnsRecord(name, type, cacheFlush, ttl, null, 0, texts, new byte[0]);
          }
          default -> {
            byte[] data = new byte[length];
            in.get(data);
            yield new DnsRecord(name, type, cacheFlush, ttl, null, 0, List.of(), type == TYPE_A ? data : new byte[0]);
          }
        };
        if (in.position() != end) {
          throw new IllegalArgumentException("record data of " + name + " has the wrong length");
        }
        records.add(record);
      }
      return new DnsMessage((flags & TOP_BIT) != 0, questions, records);
    } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("truncated DNS message", e);
    }
  }

  /** Returns {@code name} in the form names are compared in: lower case, ending with a dot. */
  static String canonical(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower : lower + ".";
  }

  private static void writeName(ByteBuffer out, String name) {
    for (String label : labels(name)) {
      byte[] bytes = label.getBytes(StandardCharsets.UTF_8);
      out.put((byte) bytes.length);
      out.put(bytes);
    }
    out.put((byte) 0);
  }

  private static int nameSize(String name) {
    int size = 1;
    for (String label : labels(name)) {
      int length = label.getBytes(StandardCharsets.UTF_8).length;
      if (length == 0 || length > 63) {
        throw new IllegalArgumentException("DNS label of " + length + " bytes in " + name);
      }
      size += 1 + length;
    }
    if (size > 255) {
      throw new IllegalArgumentException("DNS name longer than 255 bytes: " + name);
    }
    return size;
  }

  private static int textSize(String text) {
    int length = text.getBytes(StandardCharsets.UTF_8).length;
    if (length > 255) {
      throw new IllegalArgumentException("TXT string longer than 255 bytes");
    }
    return 1 + length;
  }

  /** Splits a name into labels; the first label of an instance name may hold dots, escaped as {@code \.}. */
  private static List<String> labels(String name) {
    List<String> labels = new ArrayList<>();
    StringBuilder label = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '\\' && i + 1 < name.length()) {
        label.append(name.charAt(++i));
      } else if (c == '.') {
        labels.add(label.toString());
        label.setLength(0);
      } else {
        label.append(c);
      }
    }
    if (label.length() > 0) {
      labels.add(label.toString());
    }
    return labels;
  }

  private static String readName(ByteBuffer in, int start) {
    StringBuilder name = new StringBuilder();
    int position = in.position();
    int resumeAt = -1;
    for (int jumps = 0; ; ) {
      int length = in.get(position) & 0xFF;
      if (length == 0) {
        position++;
        break;
      }
      if ((length & 0xC0) == 0xC0) {
        if (++jumps > 32) {
          throw new IllegalArgumentException("DNS name compression loop");
        }
        int pointer = ((length & 0x3F) << 8) | (in.get(position + 1) & 0xFF);
        if (resumeAt < 0) {
          resumeAt = position + 2;
        }
        position = start + pointer;
        continue;
      }
      if ((length & 0xC0) != 0) {
        throw new IllegalArgumentException("unknown DNS label type");
      }
      byte[] bytes = new byte[length];
      in.get(position + 1, bytes);
      for (char c : new String(bytes, StandardCharsets.UTF_8).toCharArray()) {
        if (c == '.' || c == '\\') {
          name.append('\\');
        }
        name.append(c);
      }
      name.append('.');
      position += 1 + length;
      if (name.length() > 1024) {
        throw new IllegalArgumentException("DNS name too long");
      }
    }
    in.position(resumeAt >= 0 ? resumeAt : position);
    return name.length() == 0 ? "." : name.toString();
  }

  private static String nonNull(@Nullable String value) {
    if (value == null) {
      throw new IllegalArgumentException("record without a target");
    }
    return value;
  }
}
