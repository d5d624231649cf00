package io.reactivemicro.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.reactivemicro.broker.Message;
import io.reactivemicro.broker.spi.MessageEnvelope;
import io.reactivemicro.errors.MicroException;

/**
 * Fuzzes {@link MessageEnvelope#decode(byte[])} with what a broker hands over: bytes that another process
 * published, or anyone who can write to the topic. Committed inputs are under
 * {@code src/test/resources/io/reactivemicro/internal/MessageEnvelopeFuzzTestInputs}.
 */
class MessageEnvelopeFuzzTest {

  @FuzzTest(maxDuration = "5m")
  void decodeEitherReadsAMessageThatEncodesBackOrAnswers400(byte[] input) {
    Message message;
    try {
      message = MessageEnvelope.decode(input);
    } catch (MicroException e) {
      assertThat(e.code()).isEqualTo(400);
      return;
    }
    // What was read survives the way back: the broker re-publishes (dead letters, the RSocket broker's relay).
    Message again = MessageEnvelope.decode(MessageEnvelope.encode(message));
    assertThat(again.headers()).isEqualTo(message.headers());
    assertThat(again.body()).isEqualTo(message.body());
  }
}
