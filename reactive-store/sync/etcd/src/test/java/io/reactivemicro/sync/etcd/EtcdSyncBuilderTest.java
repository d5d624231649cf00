package io.reactivemicro.sync.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import io.reactivemicro.sync.Lock;
import io.reactivemicro.sync.Sync;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The builder's arguments, and syncs sharing one jetcd client with the etcd server on 127.0.0.1:2379. */
class EtcdSyncBuilderTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final Duration TTL = Duration.ofSeconds(30);

  @Test
  void theAddressesAreRequiredAndChecked() {
    assertThatThrownBy(() -> EtcdSync.builder((List<String>) null))
        .isInstanceOf(NullPointerException.class).hasMessage("addresses");
    assertThatThrownBy(() -> EtcdSync.builder(List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("at least one etcd address is needed");
    assertThatThrownBy(() -> EtcdSync.builder(Arrays.asList("127.0.0.1:2379", null)))
        .isInstanceOf(NullPointerException.class).hasMessage("address");
    assertThatThrownBy(() -> EtcdSync.builder(List.of("")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("an etcd address must not be blank");
    assertThatThrownBy(() -> EtcdSync.builder(List.of("http://bad host:2379")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid etcd address");
    assertThatThrownBy(() -> EtcdSync.builder((Client) null))
        .isInstanceOf(NullPointerException.class).hasMessage("client");
  }

  @Test
  void twoSyncsShareOneClientAndLeaveItOpenWhenTheyClose() throws Exception {
    Client client = Client.builder().endpoints("http://" + EtcdSync.DEFAULT_ADDRESS).build();
    String prefix = "/micro-test/" + UUID.randomUUID() + "/";
    try {
      Sync first = EtcdSync.builder(client).prefix(prefix).build();
      Sync second = EtcdSync.builder(client).prefix(prefix).build();

      Lock lock = first.lock("l", TTL, Duration.ZERO).block(TIMEOUT);
      StepVerifier.create(second.lock("l", TTL, Duration.ZERO))
          .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("409"))
          .verify(TIMEOUT);
      lock.unlock().block(TIMEOUT);
      StepVerifier.create(second.lock("l", TTL, Duration.ZERO).flatMap(Lock::unlock))
          .expectComplete()
          .verify(TIMEOUT);

      Mono.when(first.close(), second.close()).block(TIMEOUT);

      ByteSequence key = ByteSequence.from(prefix, StandardCharsets.UTF_8);
      assertThat(client.getKVClient().delete(key, DeleteOption.builder().isPrefix(true).build())
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getDeleted()).isZero();
    } finally {
      client.close();
    }
  }
}
