package io.reactivemicro.codec;

import io.reactivemicro.errors.MicroException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The codecs a client or server speaks, looked up by content type. Parameters such as
 * {@code ; charset=utf-8} and letter case are ignored in look-ups.
 *
 * <pre>{@code
 * Codecs codecs = Codecs.defaults();          // JSON, Protobuf (when present), bytes
 * Codec json = codecs.get("application/json");
 * }</pre>
 */
public final class Codecs {

  private final Map<String, Codec> byType;

  private Codecs(Map<String, Codec> byType) {
    this.byType = Collections.unmodifiableMap(byType);
  }

  /**
   * Returns JSON, raw bytes and, when protobuf-java is on the classpath, Protobuf under both its
   * content types.
   */
  public static Codecs defaults() {
    List<Codec> codecs = new ArrayList<>();
    codecs.add(new JsonCodec());
    if (protobufPresent()) {
      codecs.add(new ProtobufCodec());
      codecs.add(ProtobufCodec.legacy());
    }
    codecs.add(new BytesCodec());
    return of(codecs);
  }

  /**
   * Returns the given codecs; a later codec replaces an earlier one of the same content type.
   *
   * @param codecs the codecs
   * @return the set of codecs
   */
  public static Codecs of(Collection<? extends Codec> codecs) {
    Map<String, Codec> map = new LinkedHashMap<>();
    for (Codec codec : codecs) {
      map.put(normalize(codec.contentType()), codec);
    }
    return new Codecs(map);
  }

  /**
   * Returns these codecs with one added or replaced.
   *
   * @param codec the codec
   * @return a new set of codecs
   */
  public Codecs with(Codec codec) {
    Map<String, Codec> map = new LinkedHashMap<>(byType);
    map.put(normalize(codec.contentType()), codec);
    return new Codecs(map);
  }

  /**
   * Returns the codec for a content type.
   *
   * @param contentType a content type, with or without parameters
   * @return its codec
   * @throws MicroException a 400 naming the supported content types when there is none
   */
  public Codec get(String contentType) {
    Codec codec = find(contentType);
    if (codec == null) {
      throw MicroException.badRequest("io.reactivemicro.codec",
          "unsupported content type '%s'; supported: %s", contentType, String.join(", ", contentTypes()));
    }
    return codec;
  }

  /**
   * Returns the codec for a content type, or {@code null}.
   *
   * @param contentType a content type, with or without parameters
   * @return its codec or {@code null}
   */
  public @Nullable Codec find(String contentType) {
    Codec codec = byType.get(contentType);
    return codec != null ? codec : byType.get(normalize(contentType));
  }

  /** Returns the supported content types, in the order the codecs were given. */
  public List<String> contentTypes() {
    return List.copyOf(byType.keySet());
  }

  /**
   * Returns a content type without parameters, in lower case.
   *
   * @param contentType a content type such as {@code Application/JSON; charset=utf-8}
   * @return {@code application/json}
   */
  public static String normalize(String contentType) {
    int semicolon = contentType.indexOf(';');
    String bare = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return bare.trim().toLowerCase(Locale.ROOT);
  }

  private static boolean protobufPresent() {
    try {
      Class.forName("com.google.protobuf.MessageLite", false, Codecs.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
