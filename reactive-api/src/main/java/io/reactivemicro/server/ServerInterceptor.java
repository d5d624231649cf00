package io.reactivemicro.server;

/**
 * Wraps the handling of every call a server receives, in all interaction models, as Go Micro's
 * {@code HandlerWrapper} does. Interceptors are composed once when the server is built; the first one
 * given is the outermost.
 *
 * <pre>{@code
 * ServerInterceptor timing = next -> call -> {
 *   long start = System.nanoTime();
 *   return Flux.from(next.handle(call))
 *       .doFinally(s -> log(call.endpoint().name(), System.nanoTime() - start));
 * };
 * }</pre>
 *
 * <p>An interceptor runs on the thread of the call it wraps: {@code wrap} once, when the server is
 * built; the handler it returns on the caller connection's event loop, for each call, where it must not
 * block. Signals of the publisher it returns travel on that loop, and a cancellation from the caller
 * (or the connection's end) reaches it first, then the handler's own publisher.
 */
@FunctionalInterface
public interface ServerInterceptor {

  /**
   * Returns a handler that does this interceptor's work around {@code next}.
   *
   * @param next the rest of the chain
   * @return the wrapped handler
   */
  ServerHandler wrap(ServerHandler next);
}
