package io.reactivemicro.rsocket.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.metadata.Metadata;
import io.rsocket.metadata.AuthMetadataCodec;
import io.rsocket.metadata.CompositeMetadata;
import io.rsocket.metadata.CompositeMetadataCodec;
import io.rsocket.metadata.MimeTypeMetadataCodec;
import io.rsocket.metadata.RoutingMetadata;
import io.rsocket.metadata.TaggingMetadataCodec;
import io.rsocket.metadata.WellKnownAuthType;
import io.rsocket.metadata.WellKnownMimeType;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The wire contract's metadata: composite metadata with the routing extension (the endpoint), the
 * per-stream data mime type extension, the bearer authentication extension and one entry of further
 * headers as a JSON object of strings.
 */
public final class WireMetadata {

  /** The mime type of the entry that carries further headers: a JSON object of string values. */
  public static final String HEADERS_MIME_TYPE = "application/x.micro.headers+json";

  /** The header a bearer token is read from and surfaced as. */
  public static final String AUTHORIZATION = "Authorization";

  private static final String BEARER = "Bearer ";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  private WireMetadata() {}

  /**
   * What a request's metadata says.
   *
   * @param route the endpoint
   * @param contentType the data mime type of the stream
   * @param metadata the headers, with a bearer token as {@code Authorization: Bearer ...}
   */
  public record Inbound(String route, String contentType, Metadata metadata) {}

  /**
   * Encodes the metadata of an outbound request.
   *
   * @param alloc the allocator
   * @param route the endpoint
   * @param contentType the data mime type, sent when it differs from the connection's
   * @param connectionContentType the connection's data mime type from SETUP
   * @param metadata the headers
   * @return the composite metadata
   */
  public static ByteBuf encode(ByteBufAllocator alloc, String route, String contentType,
      String connectionContentType, Metadata metadata) {
    CompositeByteBuf composite = alloc.compositeBuffer();
    RoutingMetadata routing = TaggingMetadataCodec.createRoutingMetadata(alloc, List.of(route));
    CompositeMetadataCodec.encodeAndAddMetadata(composite, alloc, WellKnownMimeType.MESSAGE_RSOCKET_ROUTING,
        routing.getContent());
    if (!contentType.equals(connectionContentType)) {
      WellKnownMimeType known = WellKnownMimeType.fromString(contentType);
      ByteBuf mime = known != WellKnownMimeType.UNPARSEABLE_MIME_TYPE && known != WellKnownMimeType.UNKNOWN_RESERVED_MIME_TYPE
          ? MimeTypeMetadataCodec.encode(alloc, known)
          : MimeTypeMetadataCodec.encode(alloc, contentType);
      CompositeMetadataCodec.encodeAndAddMetadata(composite, alloc, WellKnownMimeType.MESSAGE_RSOCKET_MIMETYPE, mime);
    }
    if (!metadata.isEmpty()) {
      Map<String, String> rest = metadata.asMap();
      String authorization = metadata.get(AUTHORIZATION);
      if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
        ByteBuf auth = AuthMetadataCodec.encodeBearerMetadata(alloc,
            authorization.substring(BEARER.length()).toCharArray());
        CompositeMetadataCodec.encodeAndAddMetadata(composite, alloc,
            WellKnownMimeType.MESSAGE_RSOCKET_AUTHENTICATION, auth);
        TreeMap<String, String> withoutAuth = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        withoutAuth.putAll(rest);
        withoutAuth.remove(AUTHORIZATION);
        rest = withoutAuth;
      }
      if (!rest.isEmpty()) {
        byte[] json = JSON.writeValueAsBytes(rest);
        CompositeMetadataCodec.encodeAndAddMetadata(composite, alloc, HEADERS_MIME_TYPE,
            alloc.buffer(json.length).writeBytes(json));
      }
    }
    return composite;
  }

  /**
   * Decodes the metadata of an inbound request; the buffer is not released.
   *
   * @param metadata the request's metadata
   * @param metadataMimeType the connection's metadata mime type from SETUP
   * @param connectionContentType the connection's data mime type from SETUP
   * @param serviceName the id of errors
   * @return what the metadata says
   * @throws MicroException a 400 when the metadata is malformed or names no route
   */
  public static Inbound decode(ByteBuf metadata, String metadataMimeType, String connectionContentType,
      String serviceName) {
    try {
      if (WellKnownMimeType.MESSAGE_RSOCKET_ROUTING.getString().equals(metadataMimeType)) {
        String route = firstTag(new RoutingMetadata(metadata.slice()));
        return new Inbound(requireRoute(route, serviceName), connectionContentType, Metadata.empty());
      }
      if (!WellKnownMimeType.MESSAGE_RSOCKET_COMPOSITE_METADATA.getString().equals(metadataMimeType)) {
        throw MicroException.badRequest(serviceName, "unsupported metadata mime type '%s'; use %s", metadataMimeType,
            WellKnownMimeType.MESSAGE_RSOCKET_COMPOSITE_METADATA.getString());
      }
      String route = null;
      String contentType = connectionContentType;
      TreeMap<String, String> headers = null;
      for (CompositeMetadata.Entry entry : new CompositeMetadata(metadata.slice(), false)) {
        String mime = entry.getMimeType();
        ByteBuf content = entry.getContent();
        if (mime == null) {
          continue;
        }
        if (mime.equals(WellKnownMimeType.MESSAGE_RSOCKET_ROUTING.getString())) {
          route = firstTag(new RoutingMetadata(content));
        } else if (mime.equals(WellKnownMimeType.MESSAGE_RSOCKET_MIMETYPE.getString())) {
          List<String> types = MimeTypeMetadataCodec.decode(content);
          if (!types.isEmpty()) {
            contentType = types.get(0);
          }
        } else if (mime.equals(WellKnownMimeType.MESSAGE_RSOCKET_AUTHENTICATION.getString())) {
          if (AuthMetadataCodec.isWellKnownAuthType(content)
              && AuthMetadataCodec.readWellKnownAuthType(content) == WellKnownAuthType.BEARER) {
            headers = headers == null ? new TreeMap<>(String.CASE_INSENSITIVE_ORDER) : headers;
            headers.put(AUTHORIZATION, BEARER + new String(AuthMetadataCodec.readBearerTokenAsCharArray(content)));
          }
        } else if (mime.equals(HEADERS_MIME_TYPE)) {
          headers = headers == null ? new TreeMap<>(String.CASE_INSENSITIVE_ORDER) : headers;
          byte[] json = new byte[content.readableBytes()];
          content.getBytes(content.readerIndex(), json);
          Map<String, String> map = JSON.readValue(json, STRING_MAP);
          for (Map.Entry<String, String> header : map.entrySet()) {
            if (header.getKey() != null && header.getValue() != null) {
              headers.putIfAbsent(header.getKey(), header.getValue());
            }
          }
        }
      }
      return new Inbound(requireRoute(route, serviceName), contentType,
          headers == null ? Metadata.empty() : Metadata.of(headers));
    } catch (MicroException e) {
      throw e;
    } catch (JacksonException e) {
      throw MicroException.badRequest(serviceName, "malformed %s metadata: %s", HEADERS_MIME_TYPE, e.getOriginalMessage());
    } catch (RuntimeException e) {
      throw MicroException.badRequest(serviceName, "malformed metadata: %s", String.valueOf(e.getMessage()));
    }
  }

  private static @Nullable String firstTag(RoutingMetadata routing) {
    Iterator<String> tags = routing.iterator();
    return tags.hasNext() ? tags.next() : null;
  }

  private static String requireRoute(@Nullable String route, String serviceName) {
    if (route == null || route.isEmpty()) {
      throw MicroException.badRequest(serviceName,
          "no route: send the endpoint, such as Helloworld.Greeting, in the routing metadata extension");
    }
    return route;
  }
}
