package io.reactivemicro.samples.counters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void leaderTtlsReadWithTheirUnit() {
    assertThat(Main.duration("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Main.duration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Main.duration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Main.duration(" 7 ")).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void badLeaderTtlsAreRefused() {
    assertThatThrownBy(() -> Main.duration("soon")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a duration");
    assertThatThrownBy(() -> Main.duration("0s")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
  }
}
