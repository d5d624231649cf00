package io.reactivemicro.stream.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.stream.Event;
import io.reactivemicro.stream.spi.Acknowledger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Fuzzes {@link RedisStream#event}, which turns a stream entry into an event, with what any producer can
 * {@code XADD}: any id above the last one, any fields, any bytes. Committed inputs are under
 * {@code src/test/resources/io/reactivemicro/stream/redis/RedisEntryDecodingFuzzTestInputs}.
 */
class RedisEntryDecodingFuzzTest {

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
  void entryEitherBecomesAnEventOrAnswers400(byte[] input) {
    // An entry as lines: its id, then each field's name and value (values without line breaks will do).
    String[] lines = new String(input, UTF_8).split("\n", -1);
    String id = lines[0];
    Map<String, byte[]> fields = new LinkedHashMap<>();
    for (int i = 1; i + 1 < lines.length; i += 2) {
      fields.put(lines[i], lines[i + 1].getBytes(UTF_8));
    }

    Event event;
    try {
      event = RedisStream.event("orders", id, fields, 1, NO_ACK);
    } catch (MicroException e) {
      assertThat(e.code()).isEqualTo(400);
      return;
    }
    assertThat(event.id()).isEqualTo(id);
    assertThat(event.sequence()).isNotNegative();
    assertThat(event.timestamp().toEpochMilli()).isEqualTo(event.sequence() >>> 20);
    assertThat(event.payload()).isEqualTo(fields.getOrDefault("payload", new byte[0]));
    for (Map.Entry<String, byte[]> field : fields.entrySet()) {
      if (field.getKey().startsWith("m:")) {
        assertThat(event.metadata()).containsEntry(field.getKey().substring(2), new String(field.getValue(), UTF_8));
      }
    }
  }
}
