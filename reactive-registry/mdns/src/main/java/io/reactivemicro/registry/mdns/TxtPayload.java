package io.reactivemicro.registry.mdns;

import io.reactivemicro.registry.ServiceInfo;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A node's description in TXT strings. As Go Micro's mdns registry does, the service (name, version,
 * metadata, endpoints and the one node) is written as JSON and zlib-compressed; here it is then
 * Base64-encoded and cut into strings {@code d=<part>} of at most 255 bytes, after {@code txtvers=1} and
 * {@code r=<registry id>}, the id of the registry that published it.
 */
final class TxtPayload {

  /** The id of the publishing registry and what it published. */
  record Decoded(String registryId, ServiceInfo service) {}

  private static final String VERSION = "txtvers=1";
  private static final String REGISTRY = "r=";
  private static final String DATA = "d=";
  private static final int PART = 255 - DATA.length();
  /** Inflated descriptions larger than this are refused, so a hostile packet cannot exhaust memory. */
  private static final int MAX_INFLATED = 4 * 1024 * 1024;
  private static final JsonMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private TxtPayload() {}

  static List<String> encode(String registryId, ServiceInfo service) {
    byte[] json = JSON.writeValueAsBytes(service);
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    ByteArrayOutputStream compressed = new ByteArrayOutputStream(json.length / 2 + 16);
    try {
      deflater.setInput(json);
      deflater.finish();
      byte[] buffer = new byte[1024];
      while (!deflater.finished()) {
        compressed.write(buffer, 0, deflater.deflate(buffer));
      }
    } finally {
      deflater.end();
    }
    String encoded = Base64.getEncoder().withoutPadding().encodeToString(compressed.toByteArray());
    List<String> texts = new ArrayList<>();
    texts.add(VERSION);
    texts.add(REGISTRY + registryId);
    for (int i = 0; i < encoded.length(); i += PART) {
      texts.add(DATA + encoded.substring(i, Math.min(encoded.length(), i + PART)));
    }
    return texts;
  }

  /** Returns the publishing registry's id, or {@code null} when the strings are not this format. */
  static @Nullable String registryId(List<String> texts) {
    if (texts.isEmpty() || !texts.get(0).equals(VERSION)) {
      return null;
    }
    for (String text : texts) {
      if (text.startsWith(REGISTRY)) {
        return text.substring(REGISTRY.length());
      }
    }
    return null;
  }

  /** Decodes the strings, or returns {@code null} when they are not a description in this format. */
  static @Nullable Decoded decode(List<String> texts) {
    String registryId = registryId(texts);
    if (registryId == null) {
      return null;
    }
    StringBuilder encoded = new StringBuilder();
    for (String text : texts) {
      if (text.startsWith(DATA)) {
        encoded.append(text, DATA.length(), text.length());
      }
    }
    if (encoded.length() == 0) {
      return null;
    }
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(Base64.getDecoder().decode(encoded.toString().getBytes(StandardCharsets.US_ASCII)));
      ByteArrayOutputStream json = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          return null;
        }
        json.write(buffer, 0, n);
        if (json.size() > MAX_INFLATED) {
          return null;
        }
      }
      ServiceInfo service = JSON.readValue(json.toByteArray(), ServiceInfo.class);
      if (service == null || service.name() == null || service.version() == null || service.nodes().size() != 1) {
        return null;
      }
      return new Decoded(registryId, service);
    } catch (IllegalArgumentException | DataFormatException | JacksonException | NullPointerException e) {
      return null;
    } finally {
      inflater.end();
    }
  }
}
