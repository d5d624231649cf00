package io.reactivemicro.registry;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Describes an endpoint of a service: its name, request and response, and metadata such as
 * {@code stream=true} or {@code idempotent=true}.
 *
 * @param name the endpoint name, such as {@code Helloworld.Greeting}
 * @param request the request description, or {@code null} when the endpoint takes none
 * @param response the response description, or {@code null} when it returns none
 * @param metadata facts about the endpoint
 */
public record EndpointInfo(String name, @Nullable Value request, @Nullable Value response,
    Map<String, String> metadata) {

  /** Creates the endpoint description, copying the metadata. */
  public EndpointInfo {
    metadata = Map.copyOf(metadata);
  }

  /** Returns whether the endpoint says it can run twice with the same effect, so calls to it may be retried. */
  public boolean idempotent() {
    return "true".equals(metadata.get("idempotent"));
  }
}
