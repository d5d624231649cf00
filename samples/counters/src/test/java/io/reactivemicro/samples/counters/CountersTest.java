package io.reactivemicro.samples.counters;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.Service;
import io.reactivemicro.client.Client;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.registry.Registry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Two counters instances in one JVM with the embedded defaults: the JVM-wide memory store and sync (a table
 * of the store of its own per test run).
 */
class CountersTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  /** Long, so that a handover seen within {@link #TIMEOUT} can only be the resignation's. */
  private static final Duration LEADER_TTL = Duration.ofSeconds(60);

  private final Registry registry = Registry.memory();
  private final Settings settings = Settings.empty().with("store_table", "counters_" + UUID.randomUUID().toString().replace("-", ""));
  private final List<CountersService> running = new ArrayList<>();

  private CountersService started() {
    CountersService counters = CountersService.create(Service.builder("counters").settings(settings)
        .registry(registry).address("127.0.0.1:0").drainTimeout(Duration.ofSeconds(2)), LEADER_TTL);
    counters.start().block(TIMEOUT);
    running.add(counters);
    return counters;
  }

  @AfterEach
  void stop() {
    Flux.fromIterable(running).concatMap(CountersService::stop).blockLast(TIMEOUT);
  }

  @Test
  void concurrentIncrementsOnTwoInstancesAreAllCounted() {
    CountersService first = started();
    CountersService second = started();
    Client client = first.service().client();

    List<Counter> answers = Flux.range(0, 200)
        .flatMap(i -> client.call("counters", "Counters.Increment", new Increment(i % 2 == 0 ? "a" : "b", 1 + i % 3),
            Counter.class), 32)
        .collectList()
        .block(TIMEOUT);

    long expectedA = Flux.range(0, 200).filter(i -> i % 2 == 0).map(i -> 1L + i % 3).reduce(0L, Long::sum).block();
    long expectedB = Flux.range(0, 200).filter(i -> i % 2 == 1).map(i -> 1L + i % 3).reduce(0L, Long::sum).block();
    assertThat(answers).hasSize(200);
    // Every answer is the value right after its own increment: no two increments saw the same value.
    assertThat(answers.stream().filter(c -> c.name().equals("a")).map(Counter::value).distinct()).hasSize(100);
    for (CountersService instance : List.of(first, second)) {
      String address = instance.service().info().nodes().get(0).address();
      assertThat(Http.call(address, "Counters.Get", new Get("a"), Counter.class).block(TIMEOUT))
          .isEqualTo(new Counter("a", expectedA));
      assertThat(Http.call(address, "Counters.Get", new Get("b"), Counter.class).block(TIMEOUT))
          .isEqualTo(new Counter("b", expectedB));
    }
  }

  @Test
  void aCounterNeverIncrementedIsZero() {
    String address = started().service().info().nodes().get(0).address();
    assertThat(Http.call(address, "Counters.Get", new Get("never"), Counter.class).block(TIMEOUT))
        .isEqualTo(new Counter("never", 0));
  }

  @Test
  void badNamesAndOverflowsAreBadRequests() {
    String address = started().service().info().nodes().get(0).address();
    StepVerifier.create(Http.call(address, "Counters.Increment", new Increment(" ", 1), Counter.class))
        .expectErrorSatisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(400))
        .verify(TIMEOUT);
    StepVerifier.create(Http.call(address, "Counters.Get", new Get("x".repeat(201)), Counter.class))
        .expectErrorSatisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(400))
        .verify(TIMEOUT);
    Http.call(address, "Counters.Increment", new Increment("big", Long.MAX_VALUE), Counter.class).block(TIMEOUT);
    StepVerifier.create(Http.call(address, "Counters.Increment", new Increment("big", 1), Counter.class))
        .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MicroException.class)
            .hasMessageContaining("overflow").satisfies(m -> assertThat(((MicroException) m).code()).isEqualTo(400)))
        .verify(TIMEOUT);
    assertThat(Http.call(address, "Counters.Get", new Get("big"), Counter.class).block(TIMEOUT).value())
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void oneInstanceLeadsAndAGracefulStopHandsOverAtOnce() {
    CountersService first = started();
    CountersService second = started();
    List<String> addresses = List.of(address(first), address(second));

    List<LeaderView> views = Leaders.awaitOne(addresses, 0, TIMEOUT);
    LeaderView leader = Leaders.leading(views);
    assertThat(leader.leader().term()).isEqualTo(leader.term());
    CountersService leading = leader.self().equals(first.service().info().nodes().get(0).id()) ? first : second;
    CountersService other = leading == first ? second : first;

    leading.stop().block(TIMEOUT);
    running.remove(leading);

    // The TTL is a minute: a new leader within the timeout means the old one resigned.
    LeaderView next = Leaders.leading(Leaders.awaitOne(List.of(address(other)), leader.term(), TIMEOUT));
    assertThat(next.self()).isNotEqualTo(leader.self());
    assertThat(next.term()).isGreaterThan(leader.term());
    assertThat(Mono.defer(() -> Http.leader(address(other)))
        .filter(view -> view.leader() != null && view.leader().term() == next.term())
        .repeatWhenEmpty(200, empties -> empties.delayElements(Duration.ofMillis(50)))
        .block(TIMEOUT).leader().instance()).isEqualTo(next.self());
  }

  private static String address(CountersService counters) {
    return counters.service().info().nodes().get(0).address();
  }
}
