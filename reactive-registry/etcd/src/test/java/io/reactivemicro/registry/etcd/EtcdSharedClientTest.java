package io.reactivemicro.registry.etcd;

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

/** Registries created from settings share one jetcd client per endpoint list, against etcd on 127.0.0.1:2379. */
class EtcdSharedClientTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final String KEY =
      EtcdClientSource.sharedKey(EtcdClientSource.endpoints(List.of(EtcdRegistry.DEFAULT_ADDRESS)));

  @Test
  void registriesFromSettingsShareOneClientUntilTheLastCloses() {
    Settings settings = Settings.empty().with("registry", "etcd")
        .with("registry_prefix", "/micro-test/" + UUID.randomUUID() + "/");
    Registry first = Registry.fromSettings(settings);
    Registry second = Registry.fromSettings(settings);
    ServiceInfo service = new ServiceInfo("shared", "1.0.0", Map.of(), List.of(),
        List.of(Node.of("shared-1", "10.0.0.1:1")));
    try {
      assertThat(SharedClients.references(KEY)).isEqualTo(2);
      first.register(service, Duration.ZERO).block(TIMEOUT);
      first.close().block(TIMEOUT);
      assertThat(SharedClients.references(KEY)).isEqualTo(1);

      StepVerifier.create(second.getService("shared").map(found -> found.nodes().get(0).id()))
          .expectNext("shared-1")
          .expectComplete()
          .verify(TIMEOUT);
      second.deregister(service).block(TIMEOUT);
    } finally {
      first.close().then(second.close()).block(TIMEOUT);
    }
    assertThat(SharedClients.references(KEY)).isZero();
  }
}
