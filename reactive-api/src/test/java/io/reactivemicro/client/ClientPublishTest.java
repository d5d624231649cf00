package io.reactivemicro.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.Message;
import io.reactivemicro.broker.SubscribeOptions;
import io.reactivemicro.codec.Codec;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.metadata.Metadata;
import io.reactivemicro.transport.spi.ClientTransport;
import io.reactivemicro.transport.spi.OutboundRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class ClientPublishTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  record Event(String name, int count) {}

  /** A transport that is never used: publishing goes through the broker. */
  private static final class NoTransport implements ClientTransport {
    @Override
    public Mono<Object> requestResponse(String address, OutboundRequest request, Codec.Decoder decoder) {
      return Mono.error(new AssertionError("unexpected call"));
    }

    @Override
    public Flux<Object> requestStream(String address, OutboundRequest request, Codec.Decoder decoder) {
      return Flux.error(new AssertionError("unexpected call"));
    }

    @Override
    public Flux<Object> requestChannel(String address, OutboundRequest request, Publisher<byte[]> rest,
        Codec.Decoder decoder) {
      return Flux.error(new AssertionError("unexpected call"));
    }

    @Override
    public Mono<Void> fireAndForget(String address, OutboundRequest request) {
      return Mono.error(new AssertionError("unexpected call"));
    }

    @Override
    public Mono<Void> close() {
      return Mono.empty();
    }
  }

  private Flux<Message> subscribed(Broker broker, String topic) {
    Sinks.Empty<Void> active = Sinks.empty();
    Flux<Message> messages = broker.subscribe(topic, SubscribeOptions.defaults().withOnActive(active::tryEmitEmpty)).cache(1);
    messages.subscribe();
    active.asMono().block(TIMEOUT);
    return messages;
  }

  @Test
  void publishEncodesWithTheCodecAndSendsTheMetadataAsHeaders() {
    Broker broker = Broker.memory();
    Client client = Client.builder().broker(broker).transport(new NoTransport()).build();
    Flux<Message> messages = subscribed(broker, "events");
    client.publish("events", new Event("opened", 2), RequestOptions.defaults().withMetadata(Metadata.of("X-Option", "o")))
        .contextWrite(Metadata.append("X-Request-Id", "42"))
        .block(TIMEOUT);
    StepVerifier.create(messages.take(1))
        .assertNext(message -> {
          assertThat(message.headers()).containsEntry("Content-Type", "application/json")
              .containsEntry("Micro-Topic", "events").containsEntry("X-Request-Id", "42")
              .containsEntry("X-Option", "o");
          assertThat(new String(message.body(), UTF_8)).isEqualTo("{\"name\":\"opened\",\"count\":2}");
        })
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void publishSendsARawMessageAsItIsAndRefusesAnUnknownContentType() {
    Broker broker = Broker.memory();
    Client client = Client.builder().broker(broker).transport(new NoTransport()).build();
    Flux<Message> messages = subscribed(broker, "raw");
    client.publish("raw", Message.of(Map.of("k", "v"), new byte[] {1, 2})).block(TIMEOUT);
    StepVerifier.create(messages.take(1))
        .assertNext(message -> {
          assertThat(message.headers()).containsEntry("k", "v").containsEntry("Micro-Topic", "raw");
          assertThat(message.body()).containsExactly(1, 2);
        })
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(client.publish("raw", new Event("x", 1), RequestOptions.defaults().withContentType("text/nope")))
        .expectErrorSatisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(400))
        .verify(TIMEOUT);
  }
}
