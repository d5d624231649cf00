package io.reactivemicro.sync.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.sync.Lock;
import io.reactivemicro.sync.Sync;
import io.reactivemicro.test.sync.SyncContract;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The Sync contract against the etcd at 127.0.0.1:2379, under a key prefix of its own. */
class EtcdSyncTest extends SyncContract {

  private static final String PREFIX = "/micro-test/sync/" + UUID.randomUUID() + "/";

  @Override
  protected Sync newClient() {
    return EtcdSync.builder(List.of(EtcdSync.DEFAULT_ADDRESS)).prefix(PREFIX).build();
  }

  @AfterAll
  static void deleteTheTestsKeys() throws Exception {
    try (Client client = Client.builder().endpoints("http://" + EtcdSync.DEFAULT_ADDRESS).build()) {
      client.getKVClient().delete(ByteSequence.from(PREFIX, StandardCharsets.UTF_8),
              DeleteOption.builder().isPrefix(true).build())
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Test
  void settingsChooseEtcdWithItsAddressesAndPrefix() {
    Settings settings = Settings.empty().with("sync", "etcd").with("sync_address", EtcdSync.DEFAULT_ADDRESS)
        .with("sync_prefix", PREFIX);
    Sync sync = Sync.fromSettings(settings);
    try {
      assertThat(sync.name()).isEqualTo("etcd");
      Lock lock = sync.lock(lockId("settings"), LONG_TTL, Duration.ZERO).block(TIMEOUT);
      StepVerifier.create(client().lock(lockId("settings"), LONG_TTL, Duration.ZERO))
          .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("409"))
          .verify(TIMEOUT);
      lock.unlock().block(TIMEOUT);
    } finally {
      sync.close().block(TIMEOUT);
    }
  }

  @Test
  void unreachableServerFailsTheOperationNotTheConstruction() {
    Sync sync = EtcdSync.builder(List.of("127.0.0.1:1")).timeout(Duration.ofSeconds(2))
        .prefix(PREFIX).build();
    try {
      StepVerifier.create(sync.lock(lockId("down"), LONG_TTL, Duration.ZERO))
          .expectError()
          .verify(TIMEOUT);
    } finally {
      sync.close().block(TIMEOUT);
    }
  }
}
