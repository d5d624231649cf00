package io.reactivemicro.registry.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.ServiceInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The builder's arguments, and registries sharing one jetcd client with the etcd server on 127.0.0.1:2379. */
class EtcdRegistryBuilderTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @Test
  void theAddressesAreRequiredAndChecked() {
    assertThatThrownBy(() -> EtcdRegistry.builder((List<String>) null))
        .isInstanceOf(NullPointerException.class).hasMessage("addresses");
    assertThatThrownBy(() -> EtcdRegistry.builder(List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("at least one etcd address is needed");
    assertThatThrownBy(() -> EtcdRegistry.builder(Arrays.asList("127.0.0.1:2379", null)))
        .isInstanceOf(NullPointerException.class).hasMessage("address");
    assertThatThrownBy(() -> EtcdRegistry.builder(List.of(" ")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("an etcd address must not be blank");
    assertThatThrownBy(() -> EtcdRegistry.builder(List.of("http://bad host:2379")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid etcd address");
    assertThatThrownBy(() -> EtcdRegistry.builder((Client) null))
        .isInstanceOf(NullPointerException.class).hasMessage("client");
  }

  @Test
  void twoRegistriesShareOneClientAndLeaveItOpenWhenTheyClose() throws Exception {
    Client client = Client.builder().endpoints("http://" + EtcdRegistry.DEFAULT_ADDRESS).build();
    String prefix = "/micro-test/" + UUID.randomUUID() + "/";
    try {
      EtcdRegistry first = EtcdRegistry.builder(client).prefix(prefix).build();
      EtcdRegistry second = EtcdRegistry.builder(client).prefix(prefix).build();
      ServiceInfo service = new ServiceInfo("shared", "1.0.0", Map.of(), List.of(),
          List.of(Node.of("shared-1", "10.0.0.1:1")));

      first.register(service, Duration.ZERO).block(TIMEOUT);
      StepVerifier.create(second.getService("shared").map(found -> found.nodes().get(0).id()))
          .expectNext("shared-1")
          .expectComplete()
          .verify(TIMEOUT);

      Mono.when(first.close(), second.close()).block(TIMEOUT);

      ByteSequence key = ByteSequence.from(prefix, StandardCharsets.UTF_8);
      assertThat(client.getKVClient().get(key, GetOption.builder().isPrefix(true).build())
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getCount()).isEqualTo(1);
      client.getKVClient().delete(key, DeleteOption.builder().isPrefix(true).build())
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      client.close();
    }
  }
}
