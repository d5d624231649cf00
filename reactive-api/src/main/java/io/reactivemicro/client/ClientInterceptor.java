package io.reactivemicro.client;

/**
 * Wraps every call a client makes, in all interaction models, as Go Micro's {@code CallWrapper} does.
 * Interceptors are composed once when the client is built; the first one given is the outermost.
 *
 * <pre>{@code
 * ClientInterceptor tenant = next -> call ->
 *     next.handle(call.withOptions(call.options().metadata("X-Tenant", "acme")));
 * }</pre>
 *
 * <p>The handler an interceptor returns is called when the call is subscribed, on the subscribing
 * thread, and must not block; the answers it sees arrive on the node connection's event loop. A
 * cancellation from the caller reaches it first, then the transport, which sends it to the server.
 */
@FunctionalInterface
public interface ClientInterceptor {

  /**
   * Returns a handler that does this interceptor's work around {@code next}.
   *
   * @param next the rest of the chain
   * @return the wrapped handler
   */
  ClientHandler wrap(ClientHandler next);
}
