package io.reactivemicro.registry.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.test.ApplicationClient;
import io.reactivemicro.test.Refusal;
import io.reactivemicro.test.registry.RegistryContract;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Runs the registry contract against the etcd at 127.0.0.1:2379, under a key prefix of its own. */
class EtcdRegistryTest extends RegistryContract {

  private static final String PREFIX = "/micro-test/" + UUID.randomUUID() + "/";

  private static EtcdRegistry registry;

  @BeforeAll
  static void connect() {
    registry = EtcdRegistry.builder(List.of(EtcdRegistry.DEFAULT_ADDRESS)).prefix(PREFIX).build();
    // The first call opens jetcd's gRPC channel: on a loaded machine that alone can take longer than a
    // call's timeout, so it is made before the tests.
    registry.listServices().then().block(Duration.ofSeconds(60));
  }

  @AfterAll
  static void cleanUp() throws Exception {
    registry.close().block(TIMEOUT);
    try (Client client = Client.builder().endpoints("http://" + EtcdRegistry.DEFAULT_ADDRESS).build()) {
      ByteSequence prefix = ByteSequence.from(PREFIX, StandardCharsets.UTF_8);
      client.getKVClient().delete(prefix, DeleteOption.builder().isPrefix(true).build())
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  protected Registry registry() {
    return registry;
  }

  @Override
  protected Duration shortTtl() {
    // etcd raises shorter leases to its least TTL: 1.5 election timeouts, rounded up to 2 s.
    return Duration.ofSeconds(2);
  }

  @Override
  protected Duration expiryGrace() {
    // etcd checks for expired leases every 500 ms; the rest is room for a loaded machine.
    return Duration.ofSeconds(3);
  }

  @Override
  protected Duration watchWarmUp() {
    // The etcd watch is created by one round trip after subscription.
    return Duration.ofMillis(500);
  }

  @Override
  protected Registry anotherRegistry() {
    return EtcdRegistry.builder(List.of(EtcdRegistry.DEFAULT_ADDRESS)).prefix(PREFIX).build();
  }

  @Override
  protected Settings settingsChoosingThisBackend() {
    return Settings.empty().with("registry", "etcd").with("registry_address", EtcdRegistry.DEFAULT_ADDRESS)
        .with("registry_prefix", PREFIX);
  }

  @Override
  protected void assertChosen(Registry chosen) {
    assertThat(((EtcdRegistry) chosen).prefix()).isEqualTo(PREFIX);
  }

  @Override
  protected String sharedClientKey() {
    return "jetcd [http://" + EtcdRegistry.DEFAULT_ADDRESS + "]";
  }

  @Override
  protected Registry unreachable() {
    return EtcdRegistry.builder(List.of("127.0.0.1:1")).timeout(Duration.ofSeconds(1)).build();
  }

  /** A client of the application's, whose registries work under a prefix of their own. */
  @Override
  protected ApplicationClient<Registry> applicationClient() {
    Client client = Client.builder().endpoints("http://" + EtcdRegistry.DEFAULT_ADDRESS).build();
    String prefix = "/micro-test/" + UUID.randomUUID() + "/";
    ByteSequence key = ByteSequence.from(prefix, StandardCharsets.UTF_8);
    return ApplicationClient.of(() -> EtcdRegistry.builder(client).prefix(prefix).build(), () -> {
      assertThat(client.getKVClient().get(key, GetOption.builder().isPrefix(true).build())
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getCount()).as("registrations under the prefix").isEqualTo(1);
      client.getKVClient().delete(key, DeleteOption.builder().isPrefix(true).build())
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }, client::close);
  }

  @Override
  protected List<Refusal> builderRefusals() {
    return List.of(
        Refusal.of(() -> EtcdRegistry.builder((List<String>) null), NullPointerException.class, "addresses"),
        Refusal.of(() -> EtcdRegistry.builder(List.of()), IllegalArgumentException.class,
            "at least one etcd address is needed"),
        Refusal.of(() -> EtcdRegistry.builder(Arrays.asList("127.0.0.1:2379", null)), NullPointerException.class,
            "address"),
        Refusal.startingWith(() -> EtcdRegistry.builder(List.of(" ")), IllegalArgumentException.class,
            "an etcd address must not be blank"),
        Refusal.startingWith(() -> EtcdRegistry.builder(List.of("http://bad host:2379")),
            IllegalArgumentException.class, "invalid etcd address"),
        Refusal.of(() -> EtcdRegistry.builder((Client) null), NullPointerException.class, "client"));
  }

  @Test
  void nodesAreStoredUnderGoMicrosKeyLayoutAsServiceJson() throws Exception {
    String name = serviceName("layout");
    Node node = new Node(name + "-1", "10.0.0.1:8080", Map.of("transport", "rsocket"));
    register(service(name, "1.0.0", node), Duration.ZERO);

    try (Client client = Client.builder().endpoints("http://" + EtcdRegistry.DEFAULT_ADDRESS).build()) {
      List<KeyValue> kvs = client.getKVClient()
          .get(ByteSequence.from(PREFIX + name + "/" + node.id(), StandardCharsets.UTF_8))
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .getKvs();
      assertThat(kvs).hasSize(1);
      JsonNode json = JsonMapper.builder().build().readTree(kvs.get(0).getValue().getBytes());
      assertThat(json.get("name").asString()).isEqualTo(name);
      assertThat(json.get("version").asString()).isEqualTo("1.0.0");
      assertThat(json.get("nodes")).hasSize(1);
      assertThat(json.get("nodes").get(0).get("id").asString()).isEqualTo(node.id());
      assertThat(json.get("nodes").get(0).get("address").asString()).isEqualTo("10.0.0.1:8080");
      assertThat(json.get("nodes").get(0).get("metadata").get("transport").asString()).isEqualTo("rsocket");
    }
  }
}
