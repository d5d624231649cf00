package io.reactivemicro.registry.nats;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import io.reactivemicro.registry.ServiceInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of the registry's messages: services in Go Micro's registry shape ({@code name, version,
 * metadata, endpoints, nodes}), queries and watch events. Unknown fields are ignored; a message that is
 * not what it should be decodes to {@code null} (or an empty list) rather than failing.
 */
final class Json {

  /**
   * A look-up.
   *
   * @param service the service asked for, or {@code null} for every service
   * @param origin the id of the asking registry, which answers for its own nodes itself
   */
  record Query(@Nullable String service, @Nullable String origin) {}

  /**
   * A change published on the watch subject.
   *
   * @param action {@code create}, {@code update}, {@code delete} or {@code renew}
   * @param ttl the registration's TTL in milliseconds, 0 for none
   * @param service the service with the one node concerned
   */
  record Event(String action, long ttl, ServiceInfo service) {}

  private static final JsonMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      // Go encodes a nil map or slice as null, and Go Micro leaves many of them nil.
      .withConfigOverride(Map.class, o -> o.setNullHandling(JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY)))
      .withConfigOverride(List.class, o -> o.setNullHandling(JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY)))
      .build();

  private static final TypeReference<List<ServiceInfo>> SERVICES = new TypeReference<>() {};

  private Json() {}

  static byte[] encode(Object value) {
    return MAPPER.writeValueAsBytes(value);
  }

  static @Nullable Query query(byte[] json) {
    try {
      return MAPPER.readValue(json, Query.class);
    } catch (JacksonException | NullPointerException e) {
      return null;
    }
  }

  static @Nullable Event event(byte[] json) {
    try {
      Event event = MAPPER.readValue(json, Event.class);
      return event == null || event.action() == null || !valid(event.service()) ? null : event;
    } catch (JacksonException | NullPointerException e) {
      return null;
    }
  }

  static List<ServiceInfo> services(byte[] json) {
    try {
      List<ServiceInfo> services = MAPPER.readValue(json, SERVICES);
      List<ServiceInfo> valid = new ArrayList<>();
      if (services != null) {
        services.stream().filter(Json::valid).forEach(valid::add);
      }
      return valid;
    } catch (JacksonException | NullPointerException e) {
      return List.of();
    }
  }

  private static boolean valid(@Nullable ServiceInfo service) {
    return service != null && !blank(service.name()) && service.version() != null;
  }

  private static boolean blank(@Nullable String value) {
    return value == null || value.isBlank();
  }
}
