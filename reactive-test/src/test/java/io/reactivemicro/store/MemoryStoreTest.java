package io.reactivemicro.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivemicro.internal.provider.Plugins;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.store.spi.StoreProvider;
import io.reactivemicro.test.store.StoreContract;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;

class MemoryStoreTest extends StoreContract {

  @Override
  protected Store createStore(Scheduler clock) {
    return MemoryStore.create(clock, Store.DEFAULT_DATABASE, Store.DEFAULT_TABLE);
  }

  @Test
  void settingsChooseTheSharedMemoryStoreScopedToTheirNamespace() {
    Settings settings = Settings.of(Map.of("MICRO_STORE_DATABASE", database, "MICRO_STORE_TABLE", "shared"));
    Store first = Store.fromSettings(settings);
    Store second = Store.fromSettings(Settings.empty()).scoped(database, "shared");

    first.write(Record.of("k", "v")).block(TIMEOUT);

    assertThat(first.name()).isEqualTo("memory");
    assertThat(first.database()).isEqualTo(database);
    assertThat(first.table()).isEqualTo("shared");
    assertThat(second.read("k").single().block(TIMEOUT).valueAsString()).isEqualTo("v");
    assertThat(Plugins.available(StoreProvider.class)).contains("memory");
    first.delete("k").block(TIMEOUT);
  }

  @Test
  void aServiceStoreIsScopedToTheServiceName() {
    Store store = Store.forService("go.micro.srv/greeter", Settings.empty());

    assertThat(store.database()).isEqualTo(Store.DEFAULT_DATABASE);
    assertThat(store.table()).isEqualTo("go.micro.srv_greeter");
    assertThat(Store.forService("greeter", Settings.empty().with("store_table", "t").with("store_database", "d"))
        .table()).isEqualTo("t");
  }

  @Test
  void anUnknownStoreIsReportedWithTheAvailableOnes() {
    assertThatThrownBy(() -> Store.fromSettings(Settings.empty().with("store", "nosuch")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memory");
  }

  @Test
  void optionsRejectNegativePagingAndTtl() {
    assertThatThrownBy(() -> ReadOptions.defaults().withLimit(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ListOptions.defaults().withOffset(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WriteOptions.defaults().withTtl(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WriteOptions.defaults().withIfVersion(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void recordsCompareByContent() {
    assertThat(Record.of("k", new byte[] {1, 2})).isEqualTo(Record.of("k", new byte[] {1, 2}))
        .hasSameHashCodeAs(Record.of("k", new byte[] {1, 2}))
        .isNotEqualTo(Record.of("k", new byte[] {1, 3}));
  }
}
