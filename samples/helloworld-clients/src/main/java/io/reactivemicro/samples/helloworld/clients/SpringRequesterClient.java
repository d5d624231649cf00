package io.reactivemicro.samples.helloworld.clients;

import java.time.Duration;
import java.util.Map;
import org.springframework.messaging.rsocket.RSocketRequester;
import org.springframework.util.MimeTypeUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls helloworld from Spring's {@link RSocketRequester}: its default metadata mime type is already
 * composite metadata and {@code route(...)} writes the routing extension, so only the data mime type
 * needs setting.
 *
 * <p>The data travels as JSON text through the {@code String} codecs every {@code RSocketStrategies}
 * has. An application with spring-web can register {@code JacksonJsonEncoder} and
 * {@code JacksonJsonDecoder} in {@code RSocketStrategies.builder()} and pass and retrieve objects
 * instead; this sample keeps to spring-messaging.
 */
public final class SpringRequesterClient implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final RSocketRequester requester;

  private SpringRequesterClient(RSocketRequester requester) {
    this.requester = requester;
  }

  /**
   * Creates a requester for a service; it connects on the first request and reconnects after a loss.
   *
   * @param host the service's host
   * @param port the service's port
   * @return the client
   */
  public static SpringRequesterClient create(String host, int port) {
    return new SpringRequesterClient(RSocketRequester.builder()
        .dataMimeType(MimeTypeUtils.APPLICATION_JSON)
        .tcp(host, port));
  }

  /**
   * The requester, for calls this class has no method for, such as {@code Helloworld.Chat}.
   *
   * @return the requester
   */
  public RSocketRequester requester() {
    return requester;
  }

  /**
   * Request-response on {@code Helloworld.Greeting}.
   *
   * @param name who to greet
   * @return the greeting
   */
  public Mono<Greeting> greeting(String name) {
    return requester.route("Helloworld.Greeting")
        .data(JSON.writeValueAsString(Map.of("name", name)))
        .retrieveMono(String.class)
        .map(json -> JSON.readValue(json, Greeting.class));
  }

  /**
   * Request-stream on {@code Helloworld.Stream}.
   *
   * @param name who to greet
   * @param count how many greetings
   * @return the greetings
   */
  public Flux<Greeting> stream(String name, int count) {
    return requester.route("Helloworld.Stream")
        .data(JSON.writeValueAsString(Map.of("name", name, "count", count)))
        .retrieveFlux(String.class)
        .map(json -> JSON.readValue(json, Greeting.class));
  }

  /** Closes the connection. */
  @Override
  public void close() {
    requester.dispose();
  }

  /**
   * Greets alice and streams three greetings for bob.
   *
   * @param args an optional address, {@code 127.0.0.1:8080} by default
   */
  public static void main(String[] args) {
    Address address = Address.fromArgs(args);
    try (SpringRequesterClient client = create(address.host(), address.port())) {
      System.out.println(client.greeting("alice").map(Greeting::message).block(TIMEOUT));
      client.stream("bob", 3)
          .map(Greeting::message)
          .doOnNext(System.out::println)
          .blockLast(TIMEOUT);
    }
  }
}
