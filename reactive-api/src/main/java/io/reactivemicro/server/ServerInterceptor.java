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
