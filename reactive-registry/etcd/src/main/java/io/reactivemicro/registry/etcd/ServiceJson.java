package io.reactivemicro.registry.etcd;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import io.reactivemicro.registry.ServiceInfo;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Encodes a {@link ServiceInfo} as Go Micro's registry JSON ({@code name, version, metadata, endpoints,
 * nodes}) and decodes it, ignoring fields it does not know.
 */
final class ServiceJson {

  private static final JsonMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      // Go encodes a nil map or slice as null, and Go Micro leaves many of them nil.
      .withConfigOverride(Map.class, o -> o.setNullHandling(JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY)))
      .withConfigOverride(List.class, o -> o.setNullHandling(JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY)))
      .build();

  private ServiceJson() {}

  static byte[] encode(ServiceInfo service) {
    return MAPPER.writeValueAsBytes(service);
  }

  /** Returns the service in {@code json}, or {@code null} when it is not a service description. */
  static @Nullable ServiceInfo decode(byte[] json) {
    try {
      ServiceInfo info = MAPPER.readValue(json, ServiceInfo.class);
      return info == null || blank(info.name()) || info.version() == null ? null : info;
    } catch (JacksonException | NullPointerException e) {
      // A value someone else wrote under the prefix, or a description with missing collections.
      return null;
    }
  }

  private static boolean blank(@Nullable String value) {
    return value == null || value.isBlank();
  }
}
