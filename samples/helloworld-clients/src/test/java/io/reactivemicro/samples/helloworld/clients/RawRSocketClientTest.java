package io.reactivemicro.samples.helloworld.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rsocket.exceptions.ApplicationErrorException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Plain rsocket-java against {@code java -jar helloworld.jar}: the wire contract alone is enough for
 * all three interaction models and for reading errors.
 */
class RawRSocketClientTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static HelloworldProcess service;
  private static RawRSocketClient client;

  @BeforeAll
  static void startService() throws Exception {
    service = HelloworldProcess.start();
    client = RawRSocketClient.connect(service.host(), service.port()).block(TIMEOUT);
  }

  @AfterAll
  static void stopService() throws Exception {
    if (client != null) {
      client.close();
    }
    if (service != null) {
      service.stop();
    }
  }

  @Test
  void requestResponseWithTheRouteInCompositeMetadataAnswersTheGreetingAsJson() {
    StepVerifier.create(client.requestResponse("Helloworld.Greeting", "{\"name\": \"alice\"}"))
        .expectNext("{\"message\":\"Hello alice\"}")
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void requestStreamAnswersCountGreetingsAsTheClientRequestsThem() {
    StepVerifier.create(client.requestStream("Helloworld.Stream", "{\"name\":\"bob\",\"count\":3}"), 1)
        .expectNext("{\"message\":\"Hello bob #1\"}")
        .thenRequest(2)
        .expectNext("{\"message\":\"Hello bob #2\"}", "{\"message\":\"Hello bob #3\"}")
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void channelGreetsEachNameAsItArrivesWithTheRouteOnlyOnTheFirstPayload() {
    Sinks.Many<String> names = Sinks.many().unicast().onBackpressureBuffer();

    StepVerifier.create(client.requestChannel("Helloworld.Chat", names.asFlux()))
        .then(() -> names.emitNext("{\"name\":\"carol\"}", Sinks.EmitFailureHandler.FAIL_FAST))
        .expectNext("{\"message\":\"Hello carol\"}")
        .then(() -> names.emitNext("{\"name\":\"dave\"}", Sinks.EmitFailureHandler.FAIL_FAST))
        .expectNext("{\"message\":\"Hello dave\"}")
        .then(() -> names.emitComplete(Sinks.EmitFailureHandler.FAIL_FAST))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void blankNameEndsWithAnApplicationErrorWhoseMessageIsGoMicrosErrorJson() {
    StepVerifier.create(client.requestResponse("Helloworld.Greeting", "{\"name\":\" \"}"))
        .expectErrorSatisfies(error -> {
          assertThat(error).isInstanceOf(ApplicationErrorException.class);
          JsonNode json = JSON.readTree(error.getMessage());
          assertThat(json.get("id").asString()).isEqualTo("helloworld");
          assertThat(json.get("code").asInt()).isEqualTo(400);
          assertThat(json.get("detail").asString()).isEqualTo("name is required");
          assertThat(json.get("status").asString()).isEqualTo("Bad Request");
        })
        .verify(TIMEOUT);
  }

  @Test
  void unknownRouteEndsWithANotFoundErrorAndTheConnectionStaysUsable() {
    StepVerifier.create(client.requestResponse("Helloworld.Missing", "{}"))
        .expectErrorSatisfies(error -> {
          assertThat(error).isInstanceOf(ApplicationErrorException.class);
          assertThat(JSON.readTree(error.getMessage()).get("code").asInt()).isEqualTo(404);
        })
        .verify(TIMEOUT);

    StepVerifier.create(client.requestResponse("Helloworld.Greeting", "{\"name\":\"erin\"}"))
        .expectNext("{\"message\":\"Hello erin\"}")
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void noReactiveMicroClassIsOnTheClassPath() {
    for (String name : new String[] {"io.reactivemicro.Service", "io.reactivemicro.rsocket.RSocketTransport",
        "io.reactivemicro.samples.helloworld.Greeter"}) {
      assertThatThrownBy(() -> Class.forName(name)).isInstanceOf(ClassNotFoundException.class);
    }
  }

  @Test
  void mainGreetsStreamsAndChatsAtTheGivenAddress() throws Exception {
    assertThat(StdoutCapture.linesPrintedBy(RawRSocketClient::main, service.address()))
        .containsExactly("Hello alice", "Hello bob #1", "Hello bob #2", "Hello bob #3", "Hello carol", "Hello dave");
  }
}
