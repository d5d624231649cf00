package io.reactivemicro.broker.rsocket;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.Message;
import io.reactivemicro.broker.SubscribeOptions;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.ServiceInfo;
import io.reactivemicro.test.Refusal;
import io.reactivemicro.test.broker.BrokerContract;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** Runs the broker contract on RSocket peers that find each other through one in-memory registry. */
class RSocketBrokerTest extends BrokerContract {

  private final Registry registry = Registry.memory();

  @Override
  protected Broker createBroker() {
    return RSocketBroker.builder(registry).address("127.0.0.1:0").build();
  }

  /** Settings on the JVM-wide memory registry, which the settings choose when they name none. */
  @Override
  protected Settings settingsChoosingThisBackend() {
    return Settings.empty().with("broker", "rsocket").with("broker_address", "127.0.0.1:0");
  }

  @Override
  protected List<Refusal> builderRefusals() {
    return List.of(
        Refusal.of(() -> RSocketBroker.builder(null), NullPointerException.class, "registry"),
        Refusal.of(() -> RSocketBroker.builder(Registry.memory()).address(" "), IllegalArgumentException.class,
            "the broker's address must not be blank"),
        Refusal.of(() -> RSocketBroker.builder(Registry.memory()).transportOptions(null), NullPointerException.class,
            "options"));
  }

  @Override
  protected void assertReleased(String topic) {
    List<Node> left = registry.getService(RSocketBroker.SERVICE).flatMapIterable(ServiceInfo::nodes)
        .filter(node -> topic.equals(node.metadata().get("topic"))).collectList().block(TIMEOUT);
    assertThat(left).isEmpty();
  }

  @Test
  void aQueueMemberThatCannotBeReachedIsSkippedForAnother() {
    String topic = topic();
    String queue = queue();
    // A stale registration: nothing listens there any more.
    ServiceInfo stale = new ServiceInfo(RSocketBroker.SERVICE, "latest", Map.of(), List.of(),
        List.of(new Node("stale", "127.0.0.1:1", Map.of("topic", topic, "queue", queue))));
    registry.register(stale, Duration.ofMinutes(1)).block(TIMEOUT);
    Sinks.Empty<Void> active = Sinks.empty();
    StepVerifier.create(subscriber.subscribe(topic, SubscribeOptions.defaults().withQueue(queue)
            .withOnActive(active::tryEmitEmpty)).map(m -> new String(m.body(), UTF_8)))
        .then(() -> active.asMono().block(TIMEOUT))
        .then(() -> {
          for (int i = 0; i < 5; i++) {
            publisher.publish(topic, Message.of(("m" + i).getBytes(UTF_8))).block(TIMEOUT);
          }
        })
        .expectNext("m0", "m1", "m2", "m3", "m4")
        .thenCancel()
        .verify(TIMEOUT);
    registry.deregister(stale).block(TIMEOUT);
  }
}
