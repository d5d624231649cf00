package io.reactivemicro.client;

import io.reactivemicro.server.InteractionModel;
import java.lang.reflect.Type;
import org.jspecify.annotations.Nullable;

/**
 * One outgoing call as a client interceptor sees it.
 *
 * @param service the service called
 * @param endpoint the endpoint called
 * @param model the interaction model; fire-and-forget is {@code REQUEST_RESPONSE} with
 *     {@code fireAndForget} set
 * @param request the request; for a channel, the {@code Publisher} of requests
 * @param responseType the type responses are decoded into
 * @param options the call's options, with the client's defaults filled in
 * @param fireAndForget whether no response is expected
 */
public record ClientCall(String service, String endpoint, InteractionModel model, @Nullable Object request,
    Type responseType, RequestOptions options, boolean fireAndForget) {

  /**
   * Returns this call with other options.
   *
   * @param options the options
   * @return a copy of the call
   */
  public ClientCall withOptions(RequestOptions options) {
    return new ClientCall(service, endpoint, model, request, responseType, options, fireAndForget);
  }

  /**
   * Returns this call with another request.
   *
   * @param request the request
   * @return a copy of the call
   */
  public ClientCall withRequest(@Nullable Object request) {
    return new ClientCall(service, endpoint, model, request, responseType, options, fireAndForget);
  }
}
