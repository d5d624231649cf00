package io.reactivemicro.rsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.Service;
import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.client.Client;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.registry.Registry;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class CallTimeoutTest {

  /** A handler that never answers, and says when its caller gave up. */
  public static final class Silent {
    final Sinks.Empty<Void> cancelled = Sinks.empty();

    public Mono<String> hang(String ignored) {
      return Mono.<String>never().doOnCancel(cancelled::tryEmitEmpty);
    }

    public Mono<String> ping(String ignored) {
      return Mono.just("pong");
    }
  }

  static final Registry registry = Registry.memory();
  static final Silent handler = new Silent();
  static Service service;
  static Client client;

  @BeforeAll
  static void start() {
    service = Service.builder("silent").address("127.0.0.1:0").registry(registry).handler(handler)
        .drainTimeout(Duration.ofMillis(200)).build();
    service.start().block(Duration.ofSeconds(10));
    client = Client.builder().registry(registry).build();
  }

  @AfterAll
  static void stop() {
    client.close().block(Duration.ofSeconds(10));
    service.stop().block(Duration.ofSeconds(10));
  }

  @Test
  void aCallThatOutlivesItsTimeoutFailsWith408AndCancelsTheHandler() {
    // Connected first, so the timeout below runs out while the handler holds the call, not while connecting.
    StepVerifier.create(client.call("silent", "Silent.Ping", "x", String.class))
        .expectNext("pong")
        .expectComplete()
        .verify(Duration.ofSeconds(10));
    RequestOptions options = RequestOptions.defaults().withTimeout(Duration.ofMillis(200));

    StepVerifier.create(client.call("silent", "Silent.Hang", "x", String.class, options))
        .expectErrorSatisfies(error -> {
          assertThat(error).isInstanceOf(MicroException.class);
          MicroException micro = (MicroException) error;
          assertThat(micro.code()).isEqualTo(408);
          assertThat(micro.status()).isEqualTo("Request Timeout");
          assertThat(micro.detail()).isEqualTo("call to silent Silent.Hang timed out after 200 ms");
        })
        .verify(Duration.ofSeconds(10));

    StepVerifier.create(handler.cancelled.asMono()).expectComplete().verify(Duration.ofSeconds(10));
  }
}
