package io.reactivemicro.broker.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.Message;
import io.reactivemicro.broker.SubscribeOptions;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.plugin.spi.SharedClients;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** Brokers created from settings share one Lettuce client per server, against Redis on 127.0.0.1:6379. */
class RedisSharedClientTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final String KEY = RedisClientSource.sharedKey(RedisClientSource.uri("127.0.0.1:6379"));

  @Test
  void brokersFromSettingsShareOneClientUntilTheLastCloses() {
    Settings settings = Settings.empty().with("broker", "redis").with("broker_address", "127.0.0.1:6379");
    Broker subscriber = Broker.fromSettings(settings);
    Broker publisher = Broker.fromSettings(settings);
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
}
