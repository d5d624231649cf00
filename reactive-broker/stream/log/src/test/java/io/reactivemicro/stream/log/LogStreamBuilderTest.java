package io.reactivemicro.stream.log;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The builder's arguments. */
class LogStreamBuilderTest {

  @Test
  void theDirectoryIsRequired() {
    assertThatThrownBy(() -> LogStream.builder(null))
        .isInstanceOf(NullPointerException.class).hasMessage("directory");
  }
}
