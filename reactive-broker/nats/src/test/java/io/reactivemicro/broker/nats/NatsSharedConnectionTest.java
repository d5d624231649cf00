package io.reactivemicro.broker.nats;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.Message;
import io.reactivemicro.broker.SubscribeOptions;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.plugin.spi.SharedClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** Brokers created from settings share one jnats connection per server list, against NATS on 127.0.0.1:4222. */
class NatsSharedConnectionTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final String KEY =
      NatsConnectionSource.sharedKey(NatsConnectionSource.servers(List.of("127.0.0.1:4222")));
  private static final Settings SETTINGS =
      Settings.empty().with("broker", "nats").with("broker_address", "127.0.0.1:4222");

  @Test
  void brokersFromSettingsShareOneConnectionUntilTheLastCloses() {
    Broker subscriber = Broker.fromSettings(SETTINGS);
    Broker publisher = Broker.fromSettings(SETTINGS);
    String topic = "shared-" + UUID.randomUUID();
    try {
      assertThat(SharedClients.references(KEY)).isEqualTo(2);
      Sinks.Empty<Void> active = Sinks.empty();
      StepVerifier.create(subscriber.subscribe(topic, SubscribeOptions.defaults().withOnActive(active::tryEmitEmpty))
              .map(message -> new String(message.body(), UTF_8)))
          .then(() -> active.asMono().then(publisher.publish(topic, Message.of("hello".getBytes(UTF_8))))
              .block(TIMEOUT))
          .expectNext("hello")
          .thenCancel()
          .verify(TIMEOUT);

      subscriber.close().block(TIMEOUT);
      assertThat(SharedClients.references(KEY)).isEqualTo(1);
      publisher.publish(topic, Message.of("again".getBytes(UTF_8))).block(TIMEOUT);
    } finally {
      subscriber.close().then(publisher.close()).block(TIMEOUT);
    }
    assertThat(SharedClients.references(KEY)).isZero();
  }

  @Test
  void brokersCreatedAndClosedConcurrentlyAllWorkAndReleaseTheConnection() throws Exception {
    int threads = 6;
    int rounds = 15;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < rounds; i++) {
            Broker broker = Broker.fromSettings(SETTINGS);
            String topic = "shared-" + UUID.randomUUID();
            try {
              Sinks.Empty<Void> active = Sinks.empty();
              SubscribeOptions options = SubscribeOptions.defaults().withOnActive(active::tryEmitEmpty);
              StepVerifier.create(broker.subscribe(topic, options).map(message -> new String(message.body(), UTF_8)))
                  .then(() -> active.asMono().then(broker.publish(topic, Message.of("m".getBytes(UTF_8))))
                      .block(TIMEOUT))
                  .expectNext("m")
                  .thenCancel()
                  .verify(TIMEOUT);
            } finally {
              broker.close().block(TIMEOUT);
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(SharedClients.references(KEY)).isZero();
  }
}
