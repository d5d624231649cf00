package io.reactivemicro.server;

import org.reactivestreams.Publisher;

/**
 * Handles a call: the endpoint's method at the end of the chain, or an interceptor wrapping it.
 *
 * <p>{@link #handle} is called on the event loop of the caller's connection and must return without
 * blocking; the publisher it returns is subscribed there, asked for what the caller requested, and
 * cancelled when the caller cancels, the connection closes or a stop's drain times out (see
 * {@link Server}).
 */
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
