package io.reactivemicro.server;

/** How an endpoint exchanges messages, following RSocket's interaction models. */
public enum InteractionModel {
  /** One request, at most one response: {@code Mono<R> m(Q)}. Also serves fire-and-forget. */
  REQUEST_RESPONSE,
  /** One request, a stream of responses: {@code Flux<R> m(Q)}. */
  REQUEST_STREAM,
  /** A stream of requests, a stream of responses: {@code Flux<R> m(Flux<Q>)}. */
  REQUEST_CHANNEL
}
