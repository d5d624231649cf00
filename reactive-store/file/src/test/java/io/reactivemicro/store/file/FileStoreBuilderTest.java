package io.reactivemicro.store.file;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The builder's arguments. */
class FileStoreBuilderTest {

  @Test
  void theDirectoryIsRequired() {
    assertThatThrownBy(() -> FileStore.builder(null))
        .isInstanceOf(NullPointerException.class).hasMessage("directory");
  }
}
