package io.reactivemicro.benchmarks.spring;

import io.reactivemicro.benchmarks.Payloads;
import io.reactivemicro.benchmarks.Payloads.Order;
import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.stereotype.Controller;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The routes the {@code spring-rsocket} server serves, doing what {@code micro}'s
 * {@link io.reactivemicro.benchmarks.BenchHandler} does, on the same route names, with {@link Order}
 * objects through Spring's Jackson codecs.
 */
@Controller
public class SpringBenchController {

  /** Request-response: answers the request with itself. */
  @MessageMapping(Payloads.ECHO)
  public Mono<Order> echo(Order order) {
    return Mono.just(order);
  }

  /** Request-stream: a million copies of the request, as the caller asks for them. */
  @MessageMapping(Payloads.STREAM)
  public Flux<Order> stream(Order order) {
    return Flux.range(0, Payloads.STREAM_MESSAGES).map(i -> order);
  }

  /** Channel: echoes each request. */
  @MessageMapping(Payloads.CHANNEL)
  public Flux<Order> channel(Flux<Order> orders) {
    return orders;
  }
}
