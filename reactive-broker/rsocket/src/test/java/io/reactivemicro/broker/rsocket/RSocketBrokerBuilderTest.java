package io.reactivemicro.broker.rsocket;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivemicro.registry.Registry;
import org.junit.jupiter.api.Test;

/** The builder's arguments. */
class RSocketBrokerBuilderTest {

  @Test
  void theRegistryIsRequiredAndTheAddressChecked() {
    assertThatThrownBy(() -> RSocketBroker.builder(null))
        .isInstanceOf(NullPointerException.class).hasMessage("registry");
    assertThatThrownBy(() -> RSocketBroker.builder(Registry.memory()).address(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("the broker's address must not be blank");
    assertThatThrownBy(() -> RSocketBroker.builder(Registry.memory()).transportOptions(null))
        .isInstanceOf(NullPointerException.class).hasMessage("options");
  }
}
