package io.reactivemicro.registry.mdns;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.reactivemicro.registry.mdns.DnsMessage.DnsRecord;
import io.reactivemicro.registry.mdns.DnsMessage.Question;
import java.nio.ByteBuffer;

/**
 * Fuzzes what the registry does with a packet from the network: {@link DnsMessage#decode(ByteBuffer)},
 * then, as the receiver does, the names in their canonical form and the TXT strings as a node's
 * description ({@link TxtPayload#decode}). A malformed packet must fail with the documented
 * {@link IllegalArgumentException} only, which the receiver logs and ignores. Committed inputs are under
 * {@code src/test/resources/io/reactivemicro/registry/mdns/DnsMessageFuzzTestInputs}.
 */
class DnsMessageFuzzTest {

  @FuzzTest(maxDuration = "5m")
  void packetIsReadOrRefusedWithIllegalArgumentException(byte[] packet) {
    DnsMessage message;
    try {
      message = DnsMessage.decode(ByteBuffer.wrap(packet));
    } catch (IllegalArgumentException malformed) {
      return;
    }
    for (Question question : message.questions()) {
      assertThat(DnsMessage.canonical(question.name())).endsWith(".");
    }
    for (DnsRecord record : message.records()) {
      assertThat(DnsMessage.canonical(record.name())).endsWith(".");
      if (record.target() != null) {
        assertThat(DnsMessage.canonical(record.target())).endsWith(".");
      }
      if (record.type() == DnsMessage.TYPE_TXT) {
        TxtPayload.registryId(record.texts());
        TxtPayload.Decoded decoded = TxtPayload.decode(record.texts());
        if (decoded != null) {
          assertThat(decoded.service().nodes()).hasSize(1);
        }
      }
    }
  }
}
