package io.reactivemicro.sync.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.sync.Sync;
import io.reactivemicro.test.ApplicationClient;
import io.reactivemicro.test.Refusal;
import io.reactivemicro.test.sync.SyncContract;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;

/** The Sync contract against the etcd at 127.0.0.1:2379, under a key prefix of its own. */
class EtcdSyncTest extends SyncContract {

  private static final String PREFIX = "/micro-test/sync/" + UUID.randomUUID() + "/";

  @Override
  protected Sync newClient() {
    return EtcdSync.builder(List.of(EtcdSync.DEFAULT_ADDRESS)).prefix(PREFIX).build();
  }

  @Override
  protected Settings settingsChoosingThisBackend() {
    return Settings.empty().with("sync", "etcd").with("sync_address", EtcdSync.DEFAULT_ADDRESS)
        .with("sync_prefix", PREFIX);
  }

  @Override
  protected String sharedClientKey() {
    return "jetcd [http://" + EtcdSync.DEFAULT_ADDRESS + "]";
  }

  @Override
  protected Sync unreachable() {
    return EtcdSync.builder(List.of("127.0.0.1:1")).timeout(Duration.ofSeconds(2)).prefix(PREFIX).build();
  }

  /** A client of the application's, whose syncs work under a prefix of their own and leave nothing there. */
  @Override
  protected ApplicationClient<Sync> applicationClient() {
    Client client = Client.builder().endpoints("http://" + EtcdSync.DEFAULT_ADDRESS).build();
    String prefix = "/micro-test/" + UUID.randomUUID() + "/";
    return ApplicationClient.of(() -> EtcdSync.builder(client).prefix(prefix).build(),
        () -> assertThat(deleteEverythingUnder(client, prefix)).as("keys left under the prefix").isZero(),
        client::close);
  }

  @Override
  protected List<Refusal> builderRefusals() {
    return List.of(
        Refusal.of(() -> EtcdSync.builder((List<String>) null), NullPointerException.class, "addresses"),
        Refusal.of(() -> EtcdSync.builder(List.of()), IllegalArgumentException.class,
            "at least one etcd address is needed"),
        Refusal.of(() -> EtcdSync.builder(Arrays.asList("127.0.0.1:2379", null)), NullPointerException.class,
            "address"),
        Refusal.startingWith(() -> EtcdSync.builder(List.of("")), IllegalArgumentException.class,
            "an etcd address must not be blank"),
        Refusal.startingWith(() -> EtcdSync.builder(List.of("http://bad host:2379")), IllegalArgumentException.class,
            "invalid etcd address"),
        Refusal.of(() -> EtcdSync.builder((Client) null), NullPointerException.class, "client"));
  }

  @AfterAll
  static void deleteTheTestsKeys() throws Exception {
    try (Client client = Client.builder().endpoints("http://" + EtcdSync.DEFAULT_ADDRESS).build()) {
      deleteEverythingUnder(client, PREFIX);
    }
  }

  /** Deletes every key under {@code prefix} and returns how many there were. */
  private static long deleteEverythingUnder(Client client, String prefix) throws Exception {
    return client.getKVClient().delete(ByteSequence.from(prefix, StandardCharsets.UTF_8),
            DeleteOption.builder().isPrefix(true).build())
        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .getDeleted();
  }
}
