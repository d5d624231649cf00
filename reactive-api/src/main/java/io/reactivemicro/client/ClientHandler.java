package io.reactivemicro.client;

import org.reactivestreams.Publisher;

/**
 * Performs an outgoing call: the transport at the end of the chain, or an interceptor wrapping it.
 *
 * <p>{@link #handle} is called when the call is subscribed, on the subscribing thread, and must return
 * without blocking; the answers of the publisher it returns arrive on the node connection's event loop,
 * and cancelling it cancels the call (see {@link Client}).
 */
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
