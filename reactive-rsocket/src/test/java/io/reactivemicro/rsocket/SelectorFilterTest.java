package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.RpcTestSupport.LOOPBACK;
import static io.reactivemicro.rsocket.RpcTestSupport.TIMEOUT;
import static io.reactivemicro.rsocket.RpcTestSupport.micro;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.Service;
import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.client.Client;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.rsocket.RpcTestSupport.Reply;
import io.reactivemicro.rsocket.RpcTestSupport.Req;
import io.reactivemicro.selector.Filter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Filters send calls to one version or to the nodes carrying some metadata: canary releases, A/B tests. */
class SelectorFilterTest {

  /** Endpoints {@code Shop.*}: says which instance answered. */
  public static final class Shop {
    final String instance;

    Shop(String instance) {
      this.instance = instance;
    }

    public Mono<Reply> who(Req request) {
      return Mono.just(new Reply(instance));
    }
  }

  static final Registry registry = Registry.memory();
  static final List<Service> services = new ArrayList<>();
  static Client client;

  @BeforeAll
  static void start() {
    services.add(started("stable-a", Service.builder("shop").version("1.0.0")));
    services.add(started("stable-b", Service.builder("shop").version("1.0.0").metadata("track", "stable")));
    services.add(started("canary", Service.builder("shop").version("1.0.0").metadata("track", "canary")));
    services.add(started("next", Service.builder("shop").version("2.0.0")));
    client = Client.builder().registry(registry)
        .defaults(RequestOptions.defaults().withFilter(Filter.any().version("1.0.0")))
        .build();
  }

  @AfterAll
  static void stop() {
    client.close().block(Duration.ofSeconds(10));
    services.forEach(RpcTestSupport::stop);
  }

  @Test
  void theClientsDefaultFilterKeepsCallsOnOneVersion() {
    assertThat(answers(RequestOptions.defaults(), 40)).containsOnly("stable-a", "stable-b", "canary")
        .contains("stable-a", "stable-b", "canary");
  }

  @Test
  void aCallCanAskForTheCanaryByMetadata() {
    assertThat(answers(RequestOptions.defaults().withFilter(Filter.any().metadata("track", "canary")), 20)).containsOnly("canary");
  }

  @Test
  void aCallsVersionOverridesTheDefault() {
    assertThat(answers(RequestOptions.defaults().withFilter(Filter.any().version("2.0.0")), 10)).containsOnly("next");
  }

  @Test
  void aFilterNoNodePassesFailsWith404() {
    StepVerifier.create(client.call("shop", "Shop.Who", new Req("x"), Reply.class,
            RequestOptions.defaults().withFilter(Filter.any().version("3.0.0"))))
        .expectErrorSatisfies(error -> assertThat(micro(error, 404).detail())
            .isEqualTo("service shop: no node with version 3.0.0"))
        .verify(TIMEOUT);
  }

  private static List<String> answers(RequestOptions options, int count) {
    return Flux.range(0, count)
        .concatMap(i -> client.call("shop", "Shop.Who", new Req("w" + i), Reply.class, options))
        .map(Reply::message)
        .collectList()
        .block(TIMEOUT.multipliedBy(3));
  }

  private static Service started(String instance, Service.Builder builder) {
    return RpcTestSupport.started(builder.address(LOOPBACK).registry(registry).handler(new Shop(instance)));
  }
}
