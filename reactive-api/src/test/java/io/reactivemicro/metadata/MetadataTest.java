package io.reactivemicro.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class MetadataTest {

  @Test
  void lookUpIgnoresCase() {
    Metadata metadata = Metadata.of(Map.of("X-Request-Id", "42"));

    assertThat(metadata.get("x-request-id")).isEqualTo("42");
    assertThat(metadata.get("X-REQUEST-ID")).isEqualTo("42");
    assertThat(metadata.asMap()).containsKey("x-Request-ID");
    assertThat(metadata.get("X-Other")).isNull();
  }

  @Test
  void setDiffersOnlyInCaseReplacesTheHeader() {
    Metadata metadata = Metadata.of("Authorization", "old").with("authorization", "new");

    assertThat(metadata.asMap()).hasSize(1);
    assertThat(metadata.get("AUTHORIZATION")).isEqualTo("new");
  }

  @Test
  void mergeLetsTheOtherMetadataWin() {
    Metadata base = Metadata.of("X-Tenant", "acme", "X-Zone", "eu");
    Metadata override = Metadata.of("x-tenant", "globex", "X-User", "ada");

    Metadata merged = base.merge(override);

    assertThat(merged.asMap()).hasSize(3);
    assertThat(merged.get("X-Tenant")).isEqualTo("globex");
    assertThat(merged.get("X-Zone")).isEqualTo("eu");
    assertThat(merged.get("X-User")).isEqualTo("ada");
    assertThat(base.get("X-Tenant")).as("merge does not modify its receiver").isEqualTo("acme");
  }

  @Test
  void mergeWithEmptyIsIdentity() {
    Metadata metadata = Metadata.of("k", "v");

    assertThat(metadata.merge(Metadata.empty())).isSameAs(metadata);
    assertThat(Metadata.empty().merge(metadata)).isSameAs(metadata);
  }

  @Test
  void currentReadsTheMetadataOfTheSubscriberContext() {
    Metadata sent = Metadata.of("X-User", "ada");

    StepVerifier.create(Metadata.current().contextWrite(ctx -> ctx.put(Metadata.CONTEXT_KEY, sent)))
        .expectNext(sent)
        .expectComplete()
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void currentIsEmptyMetadataWhenTheContextHasNone() {
    StepVerifier.create(Metadata.current())
        .assertNext(metadata -> assertThat(metadata.isEmpty()).isTrue())
        .expectComplete()
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void appendComposesAndTheWriteNearestTheSourceWins() {
    StepVerifier.create(Metadata.current()
            .contextWrite(Metadata.append("X-Hop", "inner"))
            .contextWrite(Metadata.append("X-User", "ada"))
            .contextWrite(Metadata.append(Metadata.of("X-Hop", "outer", "X-Tenant", "acme"))))
        .assertNext(metadata -> {
          assertThat(metadata.get("x-user")).isEqualTo("ada");
          assertThat(metadata.get("x-tenant")).isEqualTo("acme");
          assertThat(metadata.get("x-hop")).isEqualTo("inner");
          assertThat(metadata.asMap()).hasSize(3);
        })
        .expectComplete()
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void metadataIsImmutable() {
    Metadata metadata = Metadata.of("k", "v");

    assertThatThrownBy(() -> metadata.asMap().put("other", "x")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(metadata.with("other", "x")).isNotSameAs(metadata);
    assertThat(metadata.asMap()).containsOnlyKeys("k");
  }

  @Test
  void keysAndValuesComeInPairs() {
    assertThatThrownBy(() -> Metadata.of("lonely"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pairs");
  }

  @Test
  void metadataThatDiffersOnlyInKeyCaseIsEqualWithEqualHashCodes() {
    Metadata upper = Metadata.of("X-Request-Id", "42");
    Metadata lower = Metadata.of("x-request-id", "42");

    assertThat(upper).isEqualTo(lower);
    assertThat(upper.hashCode()).isEqualTo(lower.hashCode());
    assertThat(upper).isNotEqualTo(Metadata.of("x-request-id", "43"));
  }
}
