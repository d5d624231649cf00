package io.reactivemicro.samples.helloworld;

import io.reactivemicro.server.Handler;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The helloworld API, shared by the handler and the typed client proxy. {@link Handler} names the
 * endpoints {@code Helloworld.*} on both sides.
 */
@Handler("Helloworld")
public interface Greeter {

  /** Request-response: endpoint {@code Helloworld.Greeting}. */
  Mono<Response> greeting(Request request);

  /** Request-stream: endpoint {@code Helloworld.Stream}. */
  Flux<Response> stream(StreamRequest request);

  /** Channel: endpoint {@code Helloworld.Chat}. */
  Flux<Response> chat(Flux<Request> requests);
}
