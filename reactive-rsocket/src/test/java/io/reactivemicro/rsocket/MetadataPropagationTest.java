package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.RpcTestSupport.LOOPBACK;
import static io.reactivemicro.rsocket.RpcTestSupport.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.Service;
import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.client.Client;
import io.reactivemicro.metadata.Metadata;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.rsocket.RpcTestSupport.Req;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Headers reach a handler, and travel on with the calls the handler makes in its pipeline. */
class MetadataPropagationTest {

  /** The headers a handler saw. */
  public record Seen(Map<String, String> headers) {
    Metadata metadata() {
      return Metadata.of(headers);
    }
  }

  /** What the front service saw and what the back service it called saw. */
  public record Relayed(Seen front, Seen back) {}

  /** Endpoints {@code Back.*}: report the headers of the call. */
  public static final class Back {
    public Mono<Seen> seen(Req request) {
      return Metadata.current().map(metadata -> new Seen(metadata.asMap()));
    }

    public Flux<Seen> seenStream(Req request) {
      return Metadata.current().map(metadata -> new Seen(metadata.asMap())).repeat(2);
    }
  }

  /** Endpoints {@code Front.*}: call {@code back} through the service's own client, in the pipeline. */
  public static final class Front {
    volatile Client client;

    public Mono<Relayed> relay(Req request) {
      return Metadata.current().flatMap(front -> client.call("back", "Back.Seen", request, Seen.class)
          .map(back -> new Relayed(new Seen(front.asMap()), back)));
    }

    public Flux<Relayed> relayStream(Req request) {
      return Metadata.current().flatMapMany(front -> client.stream("back", "Back.SeenStream", request, Seen.class)
          .map(back -> new Relayed(new Seen(front.asMap()), back)));
    }
  }

  static final Registry registry = Registry.memory();
  static Service back;
  static Service front;
  static Client client;

  @BeforeAll
  static void start() {
    back = RpcTestSupport.started(Service.builder("back").address(LOOPBACK).registry(registry).handler(new Back()));
    Front handler = new Front();
    front = Service.builder("front").address(LOOPBACK).registry(registry).handler(handler).build();
    handler.client = front.client();
    front.start().block(TIMEOUT);
    client = Client.builder().registry(registry).build();
  }

  @AfterAll
  static void stop() {
    client.close().block(Duration.ofSeconds(10));
    RpcTestSupport.stop(front);
    RpcTestSupport.stop(back);
  }

  @Test
  void contextAndOptionMetadataReachTheHandlerAndItsOnwardCall() {
    Mono<Relayed> call = client.call("front", "Front.Relay", new Req("x"), Relayed.class,
            RequestOptions.defaults().withMetadata("X-Tenant", "acme"))
        .contextWrite(Metadata.append("X-Request-Id", "42"));
    StepVerifier.create(call)
        .assertNext(relayed -> {
          for (Seen seen : new Seen[] {relayed.front(), relayed.back()}) {
            assertThat(seen.metadata().get("X-Request-Id")).isEqualTo("42");
            assertThat(seen.metadata().get("x-tenant")).isEqualTo("acme");
          }
        })
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void metadataTravelsOnThroughAStreamCalledFromAStream() {
    Flux<Relayed> stream = client.stream("front", "Front.RelayStream", new Req("y"), Relayed.class,
            RequestOptions.defaults().withMetadata("X-Tenant", "globex"))
        .contextWrite(Metadata.append("X-Request-Id", "43"));
    StepVerifier.create(stream)
        .thenConsumeWhile(relayed -> {
          assertThat(relayed.front().metadata().get("X-Request-Id")).isEqualTo("43");
          assertThat(relayed.back().metadata().get("X-Request-Id")).isEqualTo("43");
          assertThat(relayed.back().metadata().get("X-Tenant")).isEqualTo("globex");
          return true;
        })
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void optionMetadataWinsOverTheContextsForTheSameHeader() {
    Mono<Seen> call = client.call("back", "Back.Seen", new Req("z"), Seen.class,
            RequestOptions.defaults().withMetadata("X-Tenant", "from-options"))
        .contextWrite(Metadata.append("X-Tenant", "from-context"));
    StepVerifier.create(call)
        .assertNext(seen -> assertThat(seen.metadata().get("X-Tenant")).isEqualTo("from-options"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void aBearerTokenArrivesAsTheAuthorizationHeader() {
    Mono<Seen> call = client.call("back", "Back.Seen", new Req("t"), Seen.class,
        RequestOptions.defaults().withMetadata("Authorization", "Bearer s3cr3t").withMetadata("X-Other", "1"));
    StepVerifier.create(call)
        .assertNext(seen -> {
          assertThat(seen.metadata().get("Authorization")).isEqualTo("Bearer s3cr3t");
          assertThat(seen.metadata().get("X-Other")).isEqualTo("1");
        })
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void manyDistinctHeadersAndEndpointsOnOneConnectionEachReachTheirOwnCall() {
    // More distinct metadata than the server resolves from its per-connection cache, in turn and twice
    // over, so a cache that mixed entries up would hand one call another's headers.
    Flux<String> seen = Flux.range(0, 40).concatMap(i -> {
      Mono<Seen> call = i % 3 == 0
          ? client.call("back", "Back.Seen", new Req("n"), Seen.class)
          : client.call("back", "Back.Seen", new Req("n"), Seen.class,
              RequestOptions.defaults().withMetadata("X-Call", "call-" + (i % 20)));
      String expected = i % 3 == 0 ? "none" : "call-" + (i % 20);
      return call.map(s -> s.metadata().asMap().getOrDefault("X-Call", "none") + "=" + expected);
    });
    StepVerifier.create(seen.collectList())
        .assertNext(pairs -> assertThat(pairs).hasSize(40).allSatisfy(pair -> {
          String[] sides = pair.split("=");
          assertThat(sides[0]).isEqualTo(sides[1]);
        }))
        .expectComplete()
        .verify(TIMEOUT);
  }
}
