package io.reactivemicro.server;

import io.reactivemicro.metadata.Metadata;
import io.reactivemicro.server.spi.ServerEndpoint;
import org.jspecify.annotations.Nullable;

/**
 * One call as a server interceptor sees it.
 *
 * @param endpoint the endpoint called
 * @param metadata the headers that came with the call (also in the handler's Reactor context)
 * @param request the decoded request; for a channel, the {@code Flux} of decoded requests; {@code null}
 *     for an endpoint that takes no request
 * @param fireAndForget whether the caller expects no response
 */
public record ServerCall(ServerEndpoint endpoint, Metadata metadata, @Nullable Object request,
    boolean fireAndForget) {

  /**
   * Returns this call with another request, for interceptors that transform requests.
   *
   * @param request the new request
   * @return a copy of the call
   */
  public ServerCall withRequest(@Nullable Object request) {
    return new ServerCall(endpoint, metadata, request, fireAndForget);
  }
}
