package io.reactivemicro.stream.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.stream.spi.StoredEvent;

/**
 * Fuzzes {@link MvStoreEventStore#decode(long, byte[])} with what a damaged log file, or one written by
 * another version, holds where an event should be. Committed inputs are under
 * {@code src/test/resources/io/reactivemicro/stream/log/MvStoreEventDecodingFuzzTestInputs}.
 */
class MvStoreEventDecodingFuzzTest {

  @FuzzTest(maxDuration = "5m")
  void decodeEitherReadsAnEventThatEncodesBackOrAnswers400(byte[] stored) {
    StoredEvent event;
    try {
      event = MvStoreEventStore.decode(7, stored);
    } catch (MicroException e) {
      assertThat(e.code()).isEqualTo(400);
      assertThat(e.detail()).contains("corrupt event 7");
      return;
    }
    assertThat(event.sequence()).isEqualTo(7);
    StoredEvent again = MvStoreEventStore.decode(7, MvStoreEventStore.encode(event));
    assertThat(again.id()).isEqualTo(event.id());
    assertThat(again.timestamp()).isEqualTo(event.timestamp());
    assertThat(again.metadata()).isEqualTo(event.metadata());
    assertThat(again.payload()).isEqualTo(event.payload());
  }
}
