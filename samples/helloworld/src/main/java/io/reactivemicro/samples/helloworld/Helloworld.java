package io.reactivemicro.samples.helloworld;

import io.reactivemicro.errors.MicroException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The helloworld handler: each public method returning {@code Mono} or {@code Flux} is an endpoint,
 * {@code Helloworld.Greeting}, {@code Helloworld.Stream} and {@code Helloworld.Chat}.
 */
public class Helloworld implements Greeter {

  /** Answers one request with one greeting. */
  @Override
  public Mono<Response> greeting(Request request) {
    if (request == null || request.name() == null || request.name().isBlank()) {
      return Mono.error(MicroException.badRequest("helloworld", "name is required"));
    }
    return Mono.just(new Response("Hello " + request.name()));
  }

  /** Answers one request with {@code count} greetings, as the caller asks for them. */
  @Override
  public Flux<Response> stream(StreamRequest request) {
    if (request.count() < 0) {
      return Flux.error(MicroException.badRequest("helloworld", "count must not be negative"));
    }
    return Flux.range(1, request.count()).map(i -> new Response("Hello " + request.name() + " #" + i));
  }

  /** Greets each name that arrives on the channel, as it arrives. */
  @Override
  public Flux<Response> chat(Flux<Request> requests) {
    return requests.map(request -> new Response("Hello " + request.name()));
  }
}
