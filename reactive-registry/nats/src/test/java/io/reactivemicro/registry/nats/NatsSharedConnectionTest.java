package io.reactivemicro.registry.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.plugin.spi.SharedClients;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.ServiceInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Registries created from settings share one jnats connection per server list, against NATS on 127.0.0.1:4222. */
class NatsSharedConnectionTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final String KEY =
      NatsConnectionSource.sharedKey(NatsConnectionSource.servers(List.of(NatsRegistry.DEFAULT_ADDRESS)));

  @Test
  void registriesFromSettingsShareOneConnectionUntilTheLastCloses() {
    Settings settings = Settings.empty().with("registry", "nats")
        .with("registry_prefix", "micro-test." + UUID.randomUUID().toString().replace("-", ""));
    Registry first = Registry.fromSettings(settings);
    Registry second = Registry.fromSettings(settings);
    String name = "shared-" + UUID.randomUUID();
    ServiceInfo service = new ServiceInfo(name, "1.0.0", Map.of(), List.of(),
        List.of(Node.of(name + "-1", "10.0.0.1:1")));
    try {
      assertThat(SharedClients.references(KEY)).isEqualTo(2);
      // The first look-up of each registry connects and loads jnats: made before the timed ones.
      first.listServices().then(second.listServices().then()).block(TIMEOUT);
      second.register(service, Duration.ofSeconds(30)).block(TIMEOUT);
      StepVerifier.create(first.getService(name).map(found -> found.nodes().get(0).id()))
          .expectNext(name + "-1")
          .expectComplete()
          .verify(TIMEOUT);

      first.close().block(TIMEOUT);
      assertThat(SharedClients.references(KEY)).isEqualTo(1);
      StepVerifier.create(second.getService(name).map(found -> found.nodes().get(0).id()))
          .expectNext(name + "-1")
          .expectComplete()
          .verify(TIMEOUT);
    } finally {
      first.close().then(second.close()).block(TIMEOUT);
    }
    assertThat(SharedClients.references(KEY)).isZero();
  }
}
