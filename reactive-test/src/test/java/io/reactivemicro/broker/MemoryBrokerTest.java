package io.reactivemicro.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.test.broker.BrokerContract;
import org.junit.jupiter.api.Test;

/** Runs the broker contract on the in-memory broker. */
class MemoryBrokerTest extends BrokerContract {

  private final MemoryBroker broker = MemoryBroker.create();

  @Override
  protected Broker createBroker() {
    return broker;
  }

  @Override
  protected boolean closeEndsSubscriptions() {
    return false;
  }

  @Override
  protected void assertReleased(String topic) {
    assertThat(broker.subscriptions(topic)).isZero();
  }

  @Test
  void settingsChooseTheSharedMemoryBrokerByDefault() {
    assertThat(Broker.fromSettings(Settings.empty())).isSameAs(Broker.shared());
    assertThat(Broker.fromSettings(Settings.empty().with("broker", "memory")).name()).isEqualTo("memory");
  }
}
