package io.reactivemicro.server;

import org.reactivestreams.Publisher;

/** Handles a call: the endpoint's method at the end of the chain, or an interceptor wrapping it. */
@FunctionalInterface
public interface ServerHandler {

  /**
   * Handles a call.
   *
   * @param call the call
   * @return the responses: at most one for request-response, any number for streams and channels
   */
  Publisher<?> handle(ServerCall call);
}
