package io.reactivemicro.samples.helloworld;

import io.reactivemicro.client.CallOptions;
import java.time.Duration;
import reactor.core.publisher.Flux;

/**
 * Calls a running helloworld service through a typed proxy of {@link Greeter}, in all three shapes.
 * The address defaults to {@code 127.0.0.1:8080}; pass another as the first argument.
 */
public final class Client {

  private Client() {}

  /**
   * Calls the service and prints what it answers.
   *
   * @param args an optional address, such as {@code 127.0.0.1:9090}
   */
  public static void main(String[] args) {
    String address = args.length > 0 ? args[0] : "127.0.0.1:8080";
    io.reactivemicro.client.Client client = io.reactivemicro.client.Client.builder().build();
    try {
      Greeter greeter = client.proxy(Greeter.class, "helloworld",
          CallOptions.of().address(address).timeout(Duration.ofSeconds(5)));

      System.out.println(greeter.greeting(new Request("alice")).block().message());

      greeter.stream(new StreamRequest("bob", 3))
          .doOnNext(response -> System.out.println(response.message()))
          .blockLast();

      greeter.chat(Flux.just(new Request("carol"), new Request("dave")))
          .doOnNext(response -> System.out.println(response.message()))
          .blockLast();
    } finally {
      client.dispose();
    }
  }
}
