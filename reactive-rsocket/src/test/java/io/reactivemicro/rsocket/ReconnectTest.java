package io.reactivemicro.rsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.Service;
import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.client.Client;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.registry.Registry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class ReconnectTest {

  /** A handler that says which instance answered. */
  public static final class Echo {
    private final String instance;

    Echo(String instance) {
      this.instance = instance;
    }

    public Mono<String> who(String ignored) {
      return Mono.just(instance);
    }
  }

  private final Registry registry = Registry.memory();
  private final Client client = Client.builder().registry(registry).build();
  private Service current;

  @AfterEach
  void tearDown() {
    client.close().block(Duration.ofSeconds(10));
    if (current != null) {
      current.stop().block(Duration.ofSeconds(10));
    }
  }

  @Test
  void aLostConnectionIsReestablishedOnTheNextCall() {
    current = service("first", "127.0.0.1:0");
    current.start().block(Duration.ofSeconds(10));
    String address = current.address();
    RequestOptions options = RequestOptions.defaults().withAddress(address).withTimeout(Duration.ofSeconds(5));

    StepVerifier.create(client.call("echo", "Echo.Who", "x", String.class, options))
        .expectNext("first")
        .expectComplete()
        .verify(Duration.ofSeconds(10));

    current.stop().block(Duration.ofSeconds(10));
    current = null;

    // Nothing listens now: the call fails quickly with a clear error instead of hanging.
    StepVerifier.create(client.call("echo", "Echo.Who", "x", String.class, options))
        .expectErrorSatisfies(error -> {
          assertThat(error).isInstanceOf(MicroException.class);
          assertThat(((MicroException) error).code()).isEqualTo(503);
        })
        .verify(Duration.ofSeconds(10));

    current = service("second", address);
    current.start().block(Duration.ofSeconds(10));

    StepVerifier.create(client.call("echo", "Echo.Who", "x", String.class, options))
        .expectNext("second")
        .expectComplete()
        .verify(Duration.ofSeconds(10));
  }

  private Service service(String instance, String address) {
    return Service.builder("echo").address(address).registry(registry).handler(new Echo(instance))
        .drainTimeout(Duration.ofSeconds(1)).build();
  }
}
