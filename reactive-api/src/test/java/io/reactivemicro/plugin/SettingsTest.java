package io.reactivemicro.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivemicro.internal.provider.Plugins;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.spi.RegistryProvider;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void readsMicroVariablesAndIgnoresOthers() {
    Settings settings = Settings.of(Map.of("MICRO_REGISTRY", "etcd", "MICRO_STORE_DATABASE", " orders ",
        "HOME", "/root", "MICRO_", "x", "MICRO_BROKER", " "));

    assertThat(settings.asMap()).containsOnly(Map.entry("registry", "etcd"), Map.entry("store_database", "orders"));
  }

  @Test
  void flagsWinOverVariablesInBothSpellings() {
    Settings settings = Settings.of(Map.of("MICRO_REGISTRY", "etcd", "MICRO_REGISTRY_ADDRESS", "a:1"),
        "serve", "--registry=nats", "--registry-address", "n1:4222, n2:4222,", "--verbose", "-x", "--");

    assertThat(settings.get("registry")).contains("nats");
    assertThat(settings.get("REGISTRY-ADDRESS")).contains("n1:4222, n2:4222,");
    assertThat(settings.addresses("registry")).containsExactly("n1:4222", "n2:4222");
    assertThat(settings.get("verbose")).isEmpty();
    assertThat(settings.addresses("broker")).isEmpty();
  }

  @Test
  void aFlagGivenTwiceWithDifferentValuesIsAnError() {
    assertThatThrownBy(() -> Settings.of(Map.of(), "--registry=etcd", "--registry", "nats"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--registry is given twice: etcd and nats");
    assertThat(Settings.of(Map.of(), "--registry=etcd", "--registry=etcd").get("registry")).contains("etcd");
  }

  @Test
  void withReturnsACopy() {
    Settings empty = Settings.empty();
    Settings one = empty.with("Store_Table", "t");

    assertThat(empty.asMap()).isEmpty();
    assertThat(one.get("store_table")).contains("t");
    assertThat(one).isEqualTo(Settings.of(Map.of("MICRO_STORE_TABLE", "t")));
  }

  @Test
  void memoryIsTheDefaultRegistryAndFoundByName() {
    assertThat(Registry.fromSettings(Settings.empty())).isSameAs(Registry.shared());
    assertThat(Registry.fromSettings(Settings.empty().with("registry", "MEMORY"))).isSameAs(Registry.shared());
    assertThat(Plugins.available(RegistryProvider.class)).contains("memory");
  }

  @Test
  void anUnknownBackendNamesTheAvailableOnes() {
    assertThatThrownBy(() -> Registry.fromSettings(Settings.empty().with("registry", "zookeeper")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("registry \"zookeeper\" is not on the class path; available: [memory")
        .hasMessageContaining("io.reactivemicro:reactive-registry-zookeeper");
  }
}
