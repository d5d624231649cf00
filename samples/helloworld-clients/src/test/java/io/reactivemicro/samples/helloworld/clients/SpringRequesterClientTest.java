package io.reactivemicro.samples.helloworld.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.rsocket.exceptions.ApplicationErrorException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

/**
 * Spring's {@code RSocketRequester} against {@code java -jar helloworld.jar}: {@code route(...)} and
 * composite metadata, Spring's defaults, are the service's wire contract.
 */
class SpringRequesterClientTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static HelloworldProcess service;
  private static SpringRequesterClient client;

  @BeforeAll
  static void startService() throws Exception {
    service = HelloworldProcess.start();
    client = SpringRequesterClient.create(service.host(), service.port());
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
  void routeAndJsonDataMakeARequestResponseOnHelloworldGreeting() {
    StepVerifier.create(client.requester().route("Helloworld.Greeting")
            .data("{\"name\":\"alice\"}")
            .retrieveMono(String.class))
        .expectNext("{\"message\":\"Hello alice\"}")
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void greetingDecodesTheReplyIntoTheClientsOwnType() {
    StepVerifier.create(client.greeting("alice"))
        .expectNext(new Greeting("Hello alice"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void streamAnswersCountGreetings() {
    StepVerifier.create(client.stream("bob", 3))
        .expectNext(new Greeting("Hello bob #1"), new Greeting("Hello bob #2"), new Greeting("Hello bob #3"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void channelThroughTheRequesterGreetsEveryName() {
    StepVerifier.create(client.requester().route("Helloworld.Chat")
            .data(Flux.just("{\"name\":\"carol\"}", "{\"name\":\"dave\"}"))
            .retrieveFlux(String.class))
        .expectNext("{\"message\":\"Hello carol\"}", "{\"message\":\"Hello dave\"}")
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void blankNameSurfacesGoMicrosErrorJsonThroughTheRequester() {
    StepVerifier.create(client.greeting(""))
        .expectErrorSatisfies(error -> {
          assertThat(error).isInstanceOf(ApplicationErrorException.class);
          assertThat(JSON.readTree(error.getMessage()).get("code").asInt()).isEqualTo(400);
        })
        .verify(TIMEOUT);
  }

  @Test
  void mainGreetsAndStreamsAtTheGivenAddress() throws Exception {
    assertThat(StdoutCapture.linesPrintedBy(SpringRequesterClient::main, service.address()))
        .containsExactly("Hello alice", "Hello bob #1", "Hello bob #2", "Hello bob #3");
  }
}
