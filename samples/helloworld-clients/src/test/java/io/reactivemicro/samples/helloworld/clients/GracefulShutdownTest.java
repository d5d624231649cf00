package io.reactivemicro.samples.helloworld.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code Service.run()} as a user meets it: a process that SIGTERM stops gracefully. */
class GracefulShutdownTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void sigtermDeregistersDrainsAndStopsTheService() throws Exception {
    HelloworldProcess service = HelloworldProcess.start();
    try (RawRSocketClient client = RawRSocketClient.connect(service.host(), service.port()).block(TIMEOUT)) {
      assertThat(client.requestResponse("Helloworld.Greeting", "{\"name\":\"alice\"}").block(TIMEOUT))
          .isEqualTo("{\"message\":\"Hello alice\"}");
    }

    String output = service.terminate();

    assertThat(output)
        .contains("service helloworld listening on 127.0.0.1:" + service.port())
        .contains("service helloworld stopped");
  }
}
