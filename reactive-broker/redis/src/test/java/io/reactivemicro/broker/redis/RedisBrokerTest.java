package io.reactivemicro.broker.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.Message;
import io.reactivemicro.broker.SubscribeOptions;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.test.ApplicationClient;
import io.reactivemicro.test.Await;
import io.reactivemicro.test.Refusal;
import io.reactivemicro.test.broker.BrokerContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** Runs the broker contract against the Redis server on 127.0.0.1:6379. */
class RedisBrokerTest extends BrokerContract {

  private static final String ADDRESS = "127.0.0.1:6379";

  @Override
  protected Broker createBroker() {
    return RedisBroker.builder(ADDRESS).build();
  }

  @Override
  protected Settings settingsChoosingThisBackend() {
    return Settings.empty().with("broker", "redis").with("broker_address", ADDRESS);
  }

  @Override
  protected String sharedClientKey() {
    return "lettuce redis://" + ADDRESS;
  }

  @Override
  protected Broker unreachable() {
    return RedisBroker.builder("127.0.0.1:1").build();
  }

  @Override
  protected ApplicationClient<Broker> applicationClient() {
    RedisClient client = RedisClient.create("redis://" + ADDRESS);
    return ApplicationClient.of(() -> RedisBroker.builder(client).build(), client::shutdown);
  }

  @Override
  protected List<Refusal> builderRefusals() {
    return List.of(
        Refusal.of(() -> RedisBroker.builder((String) null), NullPointerException.class, "address"),
        Refusal.of(() -> RedisBroker.builder(""), IllegalArgumentException.class,
            "the Redis address must not be blank"),
        Refusal.startingWith(() -> RedisBroker.builder("http://127.0.0.1:6379"), IllegalArgumentException.class,
            "invalid Redis address"),
        Refusal.of(() -> RedisBroker.builder((RedisClient) null), NullPointerException.class, "client"));
  }

  private static <T> T redis(Function<StatefulRedisConnection<String, String>, T> call) {
    RedisClient client = RedisClient.create("redis://" + ADDRESS);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      return call.apply(connection);
    } finally {
      client.shutdown();
    }
  }

  @Override
  protected void assertReleased(String topic) {
    // A cancelled subscription sends its UNSUBSCRIBE without waiting for Redis, and this check comes on a
    // connection of its own, which may reach Redis first: the count is given a few seconds to drop.
    redis(c -> Await.value("Redis counts no subscriber of " + topic, Duration.ofSeconds(5), () -> numsub(c, topic),
        count -> count == 0));
  }

  private static long numsub(StatefulRedisConnection<String, String> connection, String topic) {
    return connection.sync().pubsubNumsub(topic).getOrDefault(topic, 0L);
  }

  @Override
  protected void cleanUp(List<String> topics, List<String> queues) {
    List<String> keys = new ArrayList<>();
    for (String topic : topics) {
      keys.add(RedisBroker.queuesKey(topic));
      queues.forEach(queue -> keys.add(RedisBroker.queueKey(topic, queue)));
    }
    if (!keys.isEmpty()) {
      redis(c -> c.sync().del(keys.toArray(String[]::new)));
    }
  }

  @Test
  void aQueueKeepsMessagesWhileNoMemberIsConnected() {
    String topic = topic();
    String queue = queue();
    Sinks.Empty<Void> active = Sinks.empty();
    StepVerifier.create(subscriber.subscribe(topic, SubscribeOptions.defaults().withQueue(queue)
            .withOnActive(active::tryEmitEmpty)))
        .then(() -> active.asMono().block(TIMEOUT))
        .thenCancel()
        .verify(TIMEOUT);
    publisher.publish(topic, Message.of(Map.of("k", "v"), "waiting".getBytes(UTF_8))).block(TIMEOUT);
    StepVerifier.create(subscriber.subscribe(topic, SubscribeOptions.defaults().withQueue(queue)))
        .assertNext(m -> {
          assertThat(new String(m.body(), UTF_8)).isEqualTo("waiting");
          assertThat(m.headers()).containsEntry("k", "v");
        })
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void aQueueMemberPopsOnlyWhatItAskedFor() {
    String topic = topic();
    String queue = queue();
    Sinks.Empty<Void> active = Sinks.empty();
    StepVerifier.create(subscriber.subscribe(topic, SubscribeOptions.defaults().withQueue(queue)
            .withOnActive(active::tryEmitEmpty)).map(m -> new String(m.body(), UTF_8)), 1)
        .then(() -> active.asMono().block(TIMEOUT))
        .then(() -> {
          for (int i = 0; i < 20; i++) {
            publisher.publish(topic, Message.of(("m" + i).getBytes(UTF_8))).block(TIMEOUT);
          }
        })
        .expectNext("m0")
        .then(() -> {
          long waiting = redis(c -> c.sync().llen(RedisBroker.queueKey(topic, queue)));
          assertThat(waiting).isGreaterThanOrEqualTo(18L);
        })
        .thenRequest(19)
        .expectNextCount(19)
        .thenCancel()
        .verify(TIMEOUT);
  }
}
