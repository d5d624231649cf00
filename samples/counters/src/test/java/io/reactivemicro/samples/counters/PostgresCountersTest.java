package io.reactivemicro.samples.counters;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.Result;
import io.reactivemicro.Service;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.store.ListOptions;
import io.reactivemicro.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Two counters instances in one JVM, each with its own PostgreSQL store and sync clients, as
 * {@code --store=postgres --sync=postgres} make them, on the server at 127.0.0.1:5432 (database
 * {@code test}), with a store table and a lease table of their own.
 */
class PostgresCountersTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** Long, so that a handover seen within {@link #TIMEOUT} can only be the resignation's. */
  private static final Duration LEADER_TTL = Duration.ofSeconds(60);
  private static final String DATABASE = "r2dbc:postgresql://postgres@127.0.0.1:5432/test";

  private final String run = UUID.randomUUID().toString().replace("-", "");
  private final String leases = "counters_sync_" + run;
  private final Settings settings = Settings.of(Map.of(),
      "--store=postgres", "--store_address=" + DATABASE, "--store_table=counters_" + run,
      "--sync=postgres", "--sync_address=127.0.0.1:5432", "--sync_database=test", "--sync_table=" + leases);
  private final Registry registry = Registry.memory();
  private final List<CountersService> running = new ArrayList<>();

  private CountersService started() {
    CountersService counters = CountersService.create(Service.builder("counters").settings(settings)
        .registry(registry).address("127.0.0.1:0").drainTimeout(Duration.ofSeconds(2)), LEADER_TTL);
    counters.start().block(TIMEOUT);
    running.add(counters);
    return counters;
  }

  @AfterEach
  void cleanUp() {
    Flux.fromIterable(running).concatMap(CountersService::stop).blockLast(TIMEOUT);
    Store store = Store.forService("counters", settings);
    store.list(ListOptions.defaults()).concatMap(store::delete).then(store.close()).block(TIMEOUT);
    Mono.usingWhen(ConnectionFactories.get(DATABASE).create(),
            (Connection connection) -> Flux.from(connection.createStatement("DROP TABLE IF EXISTS " + leases).execute())
                .flatMap(Result::getRowsUpdated).then(),
            Connection::close)
        .block(TIMEOUT);
  }

  @Test
  void twoInstancesCountEveryIncrementAndHandOverTheLeadershipOnStop() {
    CountersService first = started();
    CountersService second = started();
    List<String> addresses = List.of(address(first), address(second));

    List<Counter> answers = Flux.range(0, 100)
        .flatMap(i -> Http.call(addresses.get(i % 2), "Counters.Increment", new Increment("hits", 2), Counter.class), 16)
        .collectList()
        .block(TIMEOUT);
    assertThat(answers).extracting(Counter::value).doesNotHaveDuplicates().hasSize(100);
    for (String address : addresses) {
      assertThat(Http.call(address, "Counters.Get", new Get("hits"), Counter.class).block(TIMEOUT).value()).isEqualTo(200);
    }

    LeaderView leader = Leaders.leading(Leaders.awaitOne(addresses, 0, TIMEOUT));
    CountersService leading = leader.self().equals(first.service().info().nodes().get(0).id()) ? first : second;
    CountersService other = leading == first ? second : first;
    leading.stop().block(TIMEOUT);
    running.remove(leading);

    // The TTL is a minute: a new leader within the timeout means the old one resigned.
    LeaderView next = Leaders.leading(Leaders.awaitOne(List.of(address(other)), leader.term(), TIMEOUT));
    assertThat(next.self()).isNotEqualTo(leader.self());
  }

  private static String address(CountersService counters) {
    return counters.service().info().nodes().get(0).address();
  }
}
