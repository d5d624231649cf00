package io.reactivemicro.stream.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsJetStreamMetaData;
import io.nats.client.impl.NatsMessage;
import io.nats.client.support.IncomingHeadersProcessor;
import io.reactivemicro.stream.Event;
import io.reactivemicro.stream.spi.Acknowledger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import reactor.core.publisher.Mono;

/**
 * Fuzzes {@link JetStreamStream#event}, which turns a JetStream message into an event, with the header
 * block any publisher can send (parsed by the NATS client first, as on the wire) and the JetStream
 * metadata of its reply subject. Committed inputs are under
 * {@code src/test/resources/io/reactivemicro/stream/jetstream/JetStreamMessageDecodingFuzzTestInputs}.
 */
class JetStreamMessageDecodingFuzzTest {

  private static final Acknowledger NO_ACK = new Acknowledger() {
    @Override
    public Mono<Void> ack() {
      return Mono.empty();
    }

    @Override
    public Mono<Void> nack(Duration delay) {
      return Mono.empty();
    }
  };

  @FuzzTest(maxDuration = "5m")
  void messageBecomesAnEventWithItsHeadersAsMetadata(byte[] input) {
    // A message as the server delivers it: the header block ("NATS/1.0" and header lines, up to an empty
    // line), then the payload. The JetStream metadata is the server's, not the publisher's: fixed here.
    int end = indexOf(input, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    byte[] headerBlock = end < 0 ? input : Arrays.copyOfRange(input, 0, end + 4);
    byte[] payload = end < 0 ? new byte[0] : Arrays.copyOfRange(input, end + 4, input.length);
    long delivered = 2;
    long streamSequence = 42;
    long nanos = 1_700_000_000_000_000_000L;

    Headers headers;
    try {
      headers = new IncomingHeadersProcessor(headerBlock).getHeaders();
    } catch (RuntimeException notAHeaderBlock) {
      // The NATS client refuses it before any subscription sees a message.
      return;
    }
    String replyTo = "$JS.ACK.MICRO.durable." + delivered + "." + streamSequence + ".3." + nanos + ".0";
    // As the client's JetStream messages (a class of its own, not public): they carry JetStream metadata.
    NatsMessage message = new NatsMessage("micro.stream.orders", replyTo, headers, payload) {
      @Override
      public boolean isJetStream() {
        return true;
      }
    };
    NatsJetStreamMetaData meta = new NatsJetStreamMetaData(message);

    Event event = JetStreamStream.event("MICRO", "orders", message, meta, NO_ACK);

    assertThat(event.sequence()).isEqualTo(streamSequence);
    assertThat(event.deliveryCount()).isPositive();
    assertThat(event.payload()).isEqualTo(payload);
    if (headers != null) {
      for (String key : headers.keySet()) {
        if (!key.startsWith("Nats-")) {
          assertThat(event.metadata()).containsKey(key);
        }
      }
    }
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    outer:
    for (int i = 0; i + part.length <= bytes.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (bytes[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
