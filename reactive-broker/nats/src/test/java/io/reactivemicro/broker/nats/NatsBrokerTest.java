package io.reactivemicro.broker.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.reactivemicro.broker.Broker;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.test.ApplicationClient;
import io.reactivemicro.test.Await;
import io.reactivemicro.test.Refusal;
import io.reactivemicro.test.broker.BrokerContract;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Runs the broker contract against the NATS server on 127.0.0.1:4222. */
class NatsBrokerTest extends BrokerContract {

  private static final String ADDRESS = "127.0.0.1:4222";

  @Override
  protected Broker createBroker() {
    return NatsBroker.builder(List.of(ADDRESS)).build();
  }

  @Override
  protected void assertReleased(String topic) {
    // Unsubscribing runs on boundedElastic after the cancel: wait for it.
    NatsBroker nats = (NatsBroker) subscriber;
    Await.value("no subscription is open", Duration.ofSeconds(5), nats::openSubscriptions, open -> open == 0);
  }

  @Override
  protected Settings settingsChoosingThisBackend() {
    return Settings.empty().with("broker", "nats").with("broker_address", ADDRESS);
  }

  @Override
  protected String sharedClientKey() {
    return "jnats [nats://" + ADDRESS + "]";
  }

  @Override
  protected Broker unreachable() {
    return NatsBroker.builder(List.of("127.0.0.1:1")).build();
  }

  @Override
  protected ApplicationClient<Broker> applicationClient() throws Exception {
    Connection connection = Nats.connect("nats://" + ADDRESS);
    return ApplicationClient.of(() -> NatsBroker.builder(connection).build(), connection::close);
  }

  @Override
  protected List<Refusal> builderRefusals() {
    return List.of(
        Refusal.of(() -> NatsBroker.builder((List<String>) null), NullPointerException.class, "addresses"),
        Refusal.of(() -> NatsBroker.builder(List.of()), IllegalArgumentException.class,
            "at least one NATS address is needed"),
        Refusal.of(() -> NatsBroker.builder(Arrays.asList("127.0.0.1:4222", null)), NullPointerException.class,
            "address"),
        Refusal.startingWith(() -> NatsBroker.builder(List.of("")), IllegalArgumentException.class,
            "a NATS address must not be blank"),
        Refusal.of(() -> NatsBroker.builder((Connection) null), NullPointerException.class, "connection"));
  }
}
