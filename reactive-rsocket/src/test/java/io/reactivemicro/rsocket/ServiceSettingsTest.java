package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.RpcTestSupport.LOOPBACK;
import static io.reactivemicro.rsocket.RpcTestSupport.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivemicro.Service;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.rsocket.RpcTestSupport.Req;
import io.reactivemicro.store.ListOptions;
import io.reactivemicro.store.ReadOptions;
import io.reactivemicro.store.Record;
import io.reactivemicro.store.Store;
import io.reactivemicro.stream.ConsumeOptions;
import io.reactivemicro.stream.StartPosition;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** What a service takes from its settings when the builder leaves it unset. */
class ServiceSettingsTest {

  /** Endpoint {@code Echo.Say}. */
  public static final class Echo {
    public Mono<Req> say(Req request) {
      return Mono.just(request);
    }
  }

  @Test
  void theServerAddressComesFromTheSettingsAndTheBuilderWins() {
    Service fromSettings = Service.builder("settings-address").registry(Registry.memory()).handler(new Echo())
        .settings(Settings.of(Map.of("MICRO_SERVER_ADDRESS", "127.0.0.1:0"))).build();
    fromSettings.start().block(TIMEOUT);
    try {
      assertThat(fromSettings.server().address()).startsWith("127.0.0.1:");
    } finally {
      fromSettings.stop().block(TIMEOUT);
    }
    Service builderWins = Service.builder("settings-address").registry(Registry.memory()).handler(new Echo())
        .args("--server_address", "0.0.0.0:1").address(LOOPBACK).build();
    builderWins.start().block(TIMEOUT);
    try {
      assertThat(builderWins.server().address()).startsWith("127.0.0.1:");
    } finally {
      builderWins.stop().block(TIMEOUT);
    }
  }

  @Test
  void anUnknownRegistryInTheSettingsFailsTheBuildWithTheAvailableOnes() {
    assertThatThrownBy(() -> Service.builder("settings-registry").handler(new Echo()).args("--registry=consul").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("registry \"consul\" is not on the class path; available: [memory]");
  }

  @Test
  void theDefaultStoreIsScopedToTheServiceAndSharedThroughTheSettings() {
    String name = "store-" + UUID.randomUUID();
    Service service = Service.builder(name).address(LOOPBACK).registry(Registry.memory()).handler(new Echo())
        .settings(Settings.empty()).build();
    StepVerifier.create(service.store().write(Record.of("k", "v")))
        .expectComplete()
        .verify(TIMEOUT);

    Store sameTable = Store.fromSettings(Settings.empty()).scoped(Store.DEFAULT_DATABASE, name);
    StepVerifier.create(sameTable.read("k", ReadOptions.defaults()).map(Record::valueAsString))
        .expectNext("v")
        .expectComplete()
        .verify(TIMEOUT);
    Store otherTable = Store.forService(name + "-other", Settings.empty());
    StepVerifier.create(otherTable.list(ListOptions.defaults()))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void theDefaultSyncLocksAcrossServicesOfOneJvmAndIsClosedWithItsService() {
    String lock = "sync-" + UUID.randomUUID();
    Service first = Service.builder("sync-a").address(LOOPBACK).registry(Registry.memory()).handler(new Echo())
        .settings(Settings.empty()).build();
    Service second = Service.builder("sync-b").address(LOOPBACK).registry(Registry.memory()).handler(new Echo())
        .settings(Settings.empty()).build();
    first.start().then(second.start()).block(TIMEOUT);
    StepVerifier.create(first.sync().lock(lock, Duration.ofSeconds(30), Duration.ZERO))
        .expectNextCount(1)
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(second.sync().lock(lock, Duration.ofSeconds(30), Duration.ZERO))
        .expectErrorSatisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(409))
        .verify(TIMEOUT);

    first.stop().then(second.stop()).block(TIMEOUT);
    StepVerifier.create(first.sync().lock(lock + "-after", Duration.ofSeconds(1), Duration.ZERO))
        .expectErrorSatisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(503))
        .verify(TIMEOUT);
  }

  @Test
  void servicesOfOneJvmShareTheDefaultStream() {
    String topic = "stream-" + UUID.randomUUID();
    Service producer = Service.builder("stream-producer").address(LOOPBACK).registry(Registry.memory())
        .handler(new Echo()).settings(Settings.empty()).build();
    Service consumer = Service.builder("stream-consumer").address(LOOPBACK).registry(Registry.memory())
        .handler(new Echo()).settings(Settings.empty()).build();
    assertThat(producer.stream()).isSameAs(consumer.stream());

    StepVerifier.create(consumer.stream().consume(topic, ConsumeOptions.defaults().withStart(StartPosition.beginning()))
            .map(event -> new String(event.payload(), java.nio.charset.StandardCharsets.UTF_8)))
        .then(() -> producer.stream().publish(topic, "created".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            Map.of()).block(TIMEOUT))
        .expectNext("created")
        .thenCancel()
        .verify(TIMEOUT);
  }
}
