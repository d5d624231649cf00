package io.reactivemicro.broker.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.Message;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.test.Await;
import io.reactivemicro.test.broker.BrokerContract;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Runs the broker contract against the NATS server on 127.0.0.1:4222. */
class NatsBrokerTest extends BrokerContract {

  @Override
  protected Broker createBroker() {
    return NatsBroker.builder(List.of("127.0.0.1:4222")).build();
  }

  @Override
  protected void assertReleased(String topic) {
    // Unsubscribing runs on boundedElastic after the cancel: wait for it.
    NatsBroker nats = (NatsBroker) subscriber;
    Await.value("no subscription is open", Duration.ofSeconds(5), nats::openSubscriptions, open -> open == 0);
  }

  @Test
  void settingsChooseNats() {
    Broker broker = Broker.fromSettings(Settings.empty().with("broker", "nats"));
    assertThat(broker).isInstanceOf(NatsBroker.class);
    broker.close().block(TIMEOUT);
  }

  @Test
  void anUnreachableServerFailsThePublishNotTheCreation() {
    Broker broker = NatsBroker.builder(List.of("127.0.0.1:1")).build();
    StepVerifier.create(broker.publish("t", Message.of(new byte[0])))
        .expectErrorSatisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(503))
        .verify(Duration.ofSeconds(30));
    broker.close().block(TIMEOUT);
  }
}
