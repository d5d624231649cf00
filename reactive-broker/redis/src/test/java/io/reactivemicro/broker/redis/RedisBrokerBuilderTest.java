package io.reactivemicro.broker.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.Message;
import io.reactivemicro.broker.SubscribeOptions;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** The builder's arguments, and brokers sharing one Lettuce client with the Redis server on 127.0.0.1:6379. */
class RedisBrokerBuilderTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @Test
  void theAddressIsRequiredAndChecked() {
    assertThatThrownBy(() -> RedisBroker.builder((String) null))
        .isInstanceOf(NullPointerException.class).hasMessage("address");
    assertThatThrownBy(() -> RedisBroker.builder(""))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("the Redis address must not be blank");
    assertThatThrownBy(() -> RedisBroker.builder("http://127.0.0.1:6379"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid Redis address");
    assertThatThrownBy(() -> RedisBroker.builder((RedisClient) null))
        .isInstanceOf(NullPointerException.class).hasMessage("client");
  }

  @Test
  void twoBrokersShareOneClientAndLeaveItOpenWhenTheyClose() {
    RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
    String topic = "shared-" + UUID.randomUUID();
    String queue = "q";
    try {
      Broker subscriber = RedisBroker.builder(client).build();
      Broker publisher = RedisBroker.builder(client).build();
      Sinks.Empty<Void> channelActive = Sinks.empty();
      Sinks.Empty<Void> queueActive = Sinks.empty();

      StepVerifier.create(subscriber.subscribe(topic, SubscribeOptions.defaults()
                  .withOnActive(channelActive::tryEmitEmpty))
              .mergeWith(subscriber.subscribe(topic, SubscribeOptions.defaults().withQueue(queue)
                  .withOnActive(queueActive::tryEmitEmpty)))
              .map(message -> new String(message.body(), UTF_8)))
          .then(() -> Mono.when(channelActive.asMono(), queueActive.asMono())
              .then(publisher.publish(topic, Message.of("hello".getBytes(UTF_8))))
              .block(TIMEOUT))
          .expectNext("hello", "hello")
          .thenCancel()
          .verify(TIMEOUT);

      Mono.when(subscriber.close(), publisher.close()).block(TIMEOUT);

      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        assertThat(connection.sync().ping()).isEqualTo("PONG");
        connection.sync().del(RedisBroker.queuesKey(topic), RedisBroker.queueKey(topic, queue));
      }
    } finally {
      client.shutdown();
    }
  }
}
