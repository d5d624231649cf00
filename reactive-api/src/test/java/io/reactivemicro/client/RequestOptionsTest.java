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
    RequestOptions options = RequestOptions.defaults();

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
    RequestOptions base = RequestOptions.defaults();

    RequestOptions changed = base.withTimeout(Duration.ofSeconds(1)).withMetadata("k", "v");

    assertThat(base.timeout()).isNull();
    assertThat(base.metadata().isEmpty()).isTrue();
    assertThat(changed.timeout()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void orElseKeepsWhatIsSetAndFillsTheRestFromTheDefaults() {
    RequestOptions defaults = RequestOptions.defaults()
        .withTimeout(Duration.ofSeconds(5))
        .withContentType("application/json")
        .withRetries(1)
        .withIdempotent(false)
        .withAddress("10.0.0.1:8080")
        .withBackoff(Duration.ofMillis(100));
    RequestOptions call = RequestOptions.defaults()
        .withTimeout(Duration.ofMillis(250))
        .withRetries(3)
        .withIdempotent(true);

    RequestOptions merged = call.orElse(defaults);

    assertThat(merged.timeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(merged.retries()).isEqualTo(3);
    assertThat(merged.idempotent()).isTrue();
    assertThat(merged.contentType()).isEqualTo("application/json");
    assertThat(merged.address()).isEqualTo("10.0.0.1:8080");
    assertThat(merged.backoff()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void orElseKeepsAnExplicitZeroAndFalse() {
    RequestOptions merged = RequestOptions.defaults().withRetries(0).withIdempotent(false)
        .orElse(RequestOptions.defaults().withRetries(5).withIdempotent(true));

    assertThat(merged.retries()).isZero();
    assertThat(merged.idempotent()).isFalse();
  }

  @Test
  void orElseMergesMetadataWithTheCallsHeadersWinning() {
    RequestOptions defaults = RequestOptions.defaults().withMetadata("X-Tenant", "acme").withMetadata("X-Zone", "eu");
    RequestOptions call = RequestOptions.defaults().withMetadata(Metadata.of("x-tenant", "globex", "X-User", "ada"));

    Metadata merged = call.orElse(defaults).metadata();

    assertThat(merged.asMap()).hasSize(3);
    assertThat(merged.get("X-Tenant")).isEqualTo("globex");
    assertThat(merged.get("X-Zone")).isEqualTo("eu");
    assertThat(merged.get("X-User")).isEqualTo("ada");
  }

  @Test
  void metadataAccumulates() {
    RequestOptions options = RequestOptions.defaults().withMetadata("a", "1").withMetadata("b", "2").withMetadata("A", "3");

    assertThat(options.metadata()).isEqualTo(Metadata.of("a", "3", "b", "2"));
  }

  @Test
  void negativeRetriesAreRefused() {
    assertThatThrownBy(() -> RequestOptions.defaults().withRetries(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retries must not be negative");
    assertThat(RequestOptions.defaults().withRetries(0).retries()).isZero();
  }

  @Test
  void nullDurationsAndStringsAreRefused() {
    assertThatThrownBy(() -> RequestOptions.defaults().withTimeout(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> RequestOptions.defaults().withBackoff(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> RequestOptions.defaults().withAddress(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> RequestOptions.defaults().withContentType(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void theFilterOfACallIsMergedWithTheDefaultOne() {
    RequestOptions defaults = RequestOptions.defaults().withFilter(Filter.any().version("1.0.0").metadata("zone", "eu"));

    RequestOptions merged = RequestOptions.defaults().withFilter(Filter.any().metadata("track", "canary")).orElse(defaults);

    assertThat(RequestOptions.defaults().filter().isAny()).isTrue();
    assertThat(merged.filter()).isEqualTo(Filter.any().version("1.0.0").metadata("zone", "eu").metadata("track", "canary"));
    assertThat(RequestOptions.defaults().orElse(defaults).filter()).isEqualTo(defaults.filter());
  }
}
