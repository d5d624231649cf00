package io.reactivemicro.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivemicro.metadata.Metadata;
import io.reactivemicro.selector.Filter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CallOptionsTest {

  @Test
  void nothingIsSetByDefault() {
    CallOptions options = CallOptions.of();

    assertThat(options.timeout()).isNull();
    assertThat(options.contentType()).isNull();
    assertThat(options.retries()).isNull();
    assertThat(options.idempotent()).isNull();
    assertThat(options.address()).isNull();
    assertThat(options.backoff()).isNull();
    assertThat(options.metadata().isEmpty()).isTrue();
  }

  @Test
  void optionsAreImmutable() {
    CallOptions base = CallOptions.of();

    CallOptions changed = base.timeout(Duration.ofSeconds(1)).metadata("k", "v");

    assertThat(base.timeout()).isNull();
    assertThat(base.metadata().isEmpty()).isTrue();
    assertThat(changed.timeout()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void orElseKeepsWhatIsSetAndFillsTheRestFromTheDefaults() {
    CallOptions defaults = CallOptions.of()
        .timeout(Duration.ofSeconds(5))
        .contentType("application/json")
        .retries(1)
        .idempotent(false)
        .address("10.0.0.1:8080")
        .backoff(Duration.ofMillis(100));
    CallOptions call = CallOptions.of()
        .timeout(Duration.ofMillis(250))
        .retries(3)
        .idempotent(true);

    CallOptions merged = call.orElse(defaults);

    assertThat(merged.timeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(merged.retries()).isEqualTo(3);
    assertThat(merged.idempotent()).isTrue();
    assertThat(merged.contentType()).isEqualTo("application/json");
    assertThat(merged.address()).isEqualTo("10.0.0.1:8080");
    assertThat(merged.backoff()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void orElseKeepsAnExplicitZeroAndFalse() {
    CallOptions merged = CallOptions.of().retries(0).idempotent(false)
        .orElse(CallOptions.of().retries(5).idempotent(true));

    assertThat(merged.retries()).isZero();
    assertThat(merged.idempotent()).isFalse();
  }

  @Test
  void orElseMergesMetadataWithTheCallsHeadersWinning() {
    CallOptions defaults = CallOptions.of().metadata("X-Tenant", "acme").metadata("X-Zone", "eu");
    CallOptions call = CallOptions.of().metadata(Metadata.of("x-tenant", "globex", "X-User", "ada"));

    Metadata merged = call.orElse(defaults).metadata();

    assertThat(merged.asMap()).hasSize(3);
    assertThat(merged.get("X-Tenant")).isEqualTo("globex");
    assertThat(merged.get("X-Zone")).isEqualTo("eu");
    assertThat(merged.get("X-User")).isEqualTo("ada");
  }

  @Test
  void metadataAccumulates() {
    CallOptions options = CallOptions.of().metadata("a", "1").metadata("b", "2").metadata("A", "3");

    assertThat(options.metadata()).isEqualTo(Metadata.of("a", "3", "b", "2"));
  }

  @Test
  void negativeRetriesAreRefused() {
    assertThatThrownBy(() -> CallOptions.of().retries(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retries must not be negative");
    assertThat(CallOptions.of().retries(0).retries()).isZero();
  }

  @Test
  void nullDurationsAndStringsAreRefused() {
    assertThatThrownBy(() -> CallOptions.of().timeout(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> CallOptions.of().backoff(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> CallOptions.of().address(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> CallOptions.of().contentType(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void theFilterOfACallIsMergedWithTheDefaultOne() {
    CallOptions defaults = CallOptions.of().filter(Filter.any().version("1.0.0").metadata("zone", "eu"));

    CallOptions merged = CallOptions.of().filter(Filter.any().metadata("track", "canary")).orElse(defaults);

    assertThat(CallOptions.of().filter().isAny()).isTrue();
    assertThat(merged.filter()).isEqualTo(Filter.any().version("1.0.0").metadata("zone", "eu").metadata("track", "canary"));
    assertThat(CallOptions.of().orElse(defaults).filter()).isEqualTo(defaults.filter());
  }
}
