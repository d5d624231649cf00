package io.reactivemicro.client;

import org.reactivestreams.Publisher;

/** Performs an outgoing call: the transport at the end of the chain, or an interceptor wrapping it. */
@FunctionalInterface
public interface ClientHandler {

  /**
   * Performs a call.
   *
   * @param call the call
   * @return the decoded responses: at most one for request-response, none for fire-and-forget
   */
  Publisher<?> handle(ClientCall call);
}
