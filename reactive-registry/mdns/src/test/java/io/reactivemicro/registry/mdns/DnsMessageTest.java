package io.reactivemicro.registry.mdns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivemicro.registry.mdns.DnsMessage.DnsRecord;
import io.reactivemicro.registry.mdns.DnsMessage.Question;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnsMessageTest {

  @Test
  void recordsRoundTrip() {
    DnsMessage response = DnsMessage.response(List.of(
        DnsRecord.ptr("_micro._tcp.local.", "node-1._micro._tcp.local.", 30),
        DnsRecord.srv("node-1._micro._tcp.local.", "node-1.local.", 8080, 30),
        DnsRecord.txt("node-1._micro._tcp.local.", List.of("txtvers=1", "x".repeat(255)), 30),
        DnsRecord.a("node-1.local.", new byte[] {10, 0, 0, 1}, 30)));

    DnsMessage decoded = DnsMessage.decode(ByteBuffer.wrap(response.encode()));

    assertThat(decoded.response()).isTrue();
    assertThat(decoded.records()).hasSize(4);
    assertThat(decoded.records().get(0).target()).isEqualTo("node-1._micro._tcp.local.");
    assertThat(decoded.records().get(1).port()).isEqualTo(8080);
    assertThat(decoded.records().get(1).cacheFlush()).isTrue();
    assertThat(decoded.records().get(2).texts()).containsExactly("txtvers=1", "x".repeat(255));
    assertThat(decoded.records().get(2).ttl()).isEqualTo(30);
    assertThat(decoded.records().get(3).address()).containsExactly(10, 0, 0, 1);
  }

  @Test
  void questionsRoundTrip() {
    DnsMessage query = DnsMessage.query(List.of(new Question("_micro._tcp.local.", DnsMessage.TYPE_PTR)));

    DnsMessage decoded = DnsMessage.decode(ByteBuffer.wrap(query.encode()));

    assertThat(decoded.response()).isFalse();
    assertThat(decoded.questions()).containsExactly(new Question("_micro._tcp.local.", DnsMessage.TYPE_PTR));
  }

  @Test
  void compressedNamesAreRead() {
    // A response as other responders write it: the PTR's target points back into the question's name.
    ByteBuffer packet = ByteBuffer.allocate(128);
    packet.putShort((short) 0).putShort((short) 0x8400).putShort((short) 1).putShort((short) 1)
        .putShort((short) 0).putShort((short) 0);
    int typeAt = packet.position();
    packet.put((byte) 6).put("_micro".getBytes()).put((byte) 4).put("_tcp".getBytes())
        .put((byte) 5).put("local".getBytes()).put((byte) 0);
    packet.putShort((short) 12).putShort((short) 1);
    packet.putShort((short) (0xC000 | typeAt)).putShort((short) 12).putShort((short) 1).putInt(120);
    packet.putShort((short) 5).put((byte) 2).put("n1".getBytes()).putShort((short) (0xC000 | typeAt));
    packet.flip();

    DnsMessage decoded = DnsMessage.decode(packet);

    assertThat(decoded.questions()).containsExactly(new Question("_micro._tcp.local.", DnsMessage.TYPE_PTR));
    assertThat(decoded.records()).singleElement().satisfies(record -> {
      assertThat(record.name()).isEqualTo("_micro._tcp.local.");
      assertThat(record.target()).isEqualTo("n1._micro._tcp.local.");
    });
  }

  @Test
  void malformedPacketsAreRefused() {
    assertThatThrownBy(() -> DnsMessage.decode(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 0, 1})))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] loop = {0, 0, (byte) 0x84, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 12, 0, 12, 0, 1};
    assertThatThrownBy(() -> DnsMessage.decode(ByteBuffer.wrap(loop)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void labelsLongerThanDnsAllowsAreRefused() {
    DnsMessage tooLong = DnsMessage.query(List.of(new Question("x".repeat(64) + ".local.", DnsMessage.TYPE_PTR)));
    assertThatThrownBy(tooLong::encode).isInstanceOf(IllegalArgumentException.class);
  }
}
