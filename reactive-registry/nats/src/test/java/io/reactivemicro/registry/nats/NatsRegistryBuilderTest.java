package io.reactivemicro.registry.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.RegistryEvent;
import io.reactivemicro.registry.ServiceInfo;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The builder's arguments, and registries sharing one jnats connection with the NATS server on 127.0.0.1:4222. */
class NatsRegistryBuilderTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void theAddressesAreRequiredAndChecked() {
    assertThatThrownBy(() -> NatsRegistry.builder((List<String>) null))
        .isInstanceOf(NullPointerException.class).hasMessage("addresses");
    assertThatThrownBy(() -> NatsRegistry.builder(List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("at least one NATS address is needed");
    assertThatThrownBy(() -> NatsRegistry.builder(Arrays.asList("127.0.0.1:4222", null)))
        .isInstanceOf(NullPointerException.class).hasMessage("address");
    assertThatThrownBy(() -> NatsRegistry.builder(List.of(" ")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("a NATS address must not be blank");
    assertThatThrownBy(() -> NatsRegistry.builder((Connection) null))
        .isInstanceOf(NullPointerException.class).hasMessage("connection");
  }

  @Test
  void twoRegistriesShareOneConnectionAndLeaveItOpenWhenTheyClose() throws Exception {
    Connection connection = Nats.connect("nats://127.0.0.1:4222");
    String prefix = "micro-test." + UUID.randomUUID().toString().replace("-", "");
    try {
      NatsRegistry first = NatsRegistry.builder(connection).prefix(prefix).build();
      NatsRegistry second = NatsRegistry.builder(connection).prefix(prefix).build();
      String name = "shared-" + UUID.randomUUID();
      ServiceInfo service = new ServiceInfo(name, "1.0.0", Map.of(), List.of(),
          List.of(Node.of(name + "-1", "10.0.0.1:1")));

      StepVerifier.create(second.watch(name).map(RegistryEvent::type))
          .thenAwait(Duration.ofMillis(500))
          .then(() -> first.register(service, Duration.ofSeconds(30)).block(TIMEOUT))
          .expectNext(RegistryEvent.Type.CREATE)
          .thenCancel()
          .verify(TIMEOUT);
      StepVerifier.create(second.getService(name).map(found -> found.nodes().get(0).id()))
          .expectNext(name + "-1")
          .expectComplete()
          .verify(TIMEOUT);

      Mono.when(first.close(), second.close()).block(TIMEOUT);

      assertThat(connection.getStatus()).isEqualTo(Connection.Status.CONNECTED);
      connection.flush(TIMEOUT);
    } finally {
      connection.close();
    }
  }
}
