package io.reactivemicro.samples.helloworld;

import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.registry.Registry;
import java.time.Duration;
import reactor.core.publisher.Flux;

/**
 * Calls a running helloworld service through a typed proxy of {@link Greeter}, in all three shapes.
 * Given an address as the first argument, it calls that address; given a registry
 * ({@code --registry=mdns}, {@code MICRO_REGISTRY=mdns}, ...), it finds the service's instances there and
 * spreads its calls over them; else it calls {@code 127.0.0.1:8080}.
 */
public final class Client {

  private Client() {}

  /**
   * Calls the service and prints what it answers.
   *
   * @param args an optional address, such as {@code 127.0.0.1:9090}, and flags such as
   *     {@code --registry=mdns}
   */
  public static void main(String[] args) {
    Settings settings = Settings.fromEnvironment(args);
    String address = Main.address(args);
    if (address == null && settings.get("registry").isEmpty()) {
      address = "127.0.0.1:8080";
    }
    RequestOptions options = RequestOptions.defaults().withTimeout(Duration.ofSeconds(5));
    if (address != null) {
      options = options.withAddress(address);
    }
    Registry registry = Registry.fromSettings(settings);
    io.reactivemicro.client.Client client = io.reactivemicro.client.Client.builder().registry(registry).build();
    try {
      Greeter greeter = client.proxy(Greeter.class, "helloworld", options);

      System.out.println(greeter.greeting(new Request("alice")).block().message());

      greeter.stream(new StreamRequest("bob", 3))
          .doOnNext(response -> System.out.println(response.message()))
          .blockLast();

      greeter.chat(Flux.just(new Request("carol"), new Request("dave")))
          .doOnNext(response -> System.out.println(response.message()))
          .blockLast();
    } finally {
      client.close().block(Duration.ofSeconds(5));
      registry.close().block(Duration.ofSeconds(5));
    }
  }
}
