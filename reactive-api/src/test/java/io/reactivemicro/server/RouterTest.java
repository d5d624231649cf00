package io.reactivemicro.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivemicro.server.spi.Router;
import io.reactivemicro.server.spi.ServerEndpoint;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class RouterTest {

  static class First {
    public Mono<String> hello(String name) {
      return Mono.just(name);
    }
  }

  @Handler("First")
  static class Impostor {
    public Mono<String> hello(String name) {
      return Mono.just(name);
    }
  }

  static class Second {
    public Mono<String> hello(String name) {
      return Mono.just(name);
    }
  }

  @Test
  void endpointsOfEveryHandlerAreServed() {
    Router router = Router.builder("svc").handlers(List.of(new First(), new Second())).build();

    assertThat(router.endpoints()).extracting(ServerEndpoint::name).containsExactly("First.Hello", "Second.Hello");
    assertThat(router.serviceName()).isEqualTo("svc");
    assertThat(router.inFlight()).isZero();
    assertThat(router.draining()).isFalse();
  }

  @Test
  void twoHandlersServingOneEndpointAreRefused() {
    Router.Builder builder = Router.builder("svc").handler(new First()).handler(new Impostor());

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint First.Hello is served by two handlers");
  }
}
