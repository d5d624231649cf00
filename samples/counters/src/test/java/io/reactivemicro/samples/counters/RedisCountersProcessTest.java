package io.reactivemicro.samples.counters;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * Three counters processes started as {@code java ... Main --store=redis --sync=redis} on the Redis server
 * at 127.0.0.1:6379, with a store table and a sync key prefix of their own: they share the counters and
 * elect one leader; a killed leader is replaced once its lease runs out, a stopped one at once.
 */
class RedisCountersProcessTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration LEADER_TTL = Duration.ofSeconds(10);
  private static final int INCREMENTS = 300;

  private final String run = UUID.randomUUID().toString().replace("-", "");
  private final String table = "counters_" + run;
  private final String syncPrefix = "counters-test:" + run + ":";
  private final Map<String, JavaProcess> instances = new LinkedHashMap<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (JavaProcess instance : instances.values()) {
      instance.close();
    }
    RedisClient redis = RedisClient.create("redis://127.0.0.1:6379");
    try (StatefulRedisConnection<String, String> connection = redis.connect()) {
      RedisCommands<String, String> commands = connection.sync();
      for (String pattern : List.of("micro:" + table + ":*", syncPrefix + "*")) {
        ScanIterator<String> keys = ScanIterator.scan(commands, KeyScanArgs.Builder.matches(pattern).limit(500));
        List<String> found = new ArrayList<>();
        keys.forEachRemaining(found::add);
        if (!found.isEmpty()) {
          commands.del(found.toArray(String[]::new));
        }
      }
    } finally {
      redis.shutdown();
    }
  }

  private String start() throws IOException {
    String address;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      address = "127.0.0.1:" + socket.getLocalPort();
    }
    instances.put(address, JavaProcess.start(Main.class.getName(), "--server_address=" + address,
        "--store=redis", "--sync=redis", "--store_table=" + table, "--sync_prefix=" + syncPrefix,
        "--leader_ttl=" + LEADER_TTL.toSeconds() + "s"));
    return address;
  }

  private String logs() {
    StringBuilder logs = new StringBuilder();
    instances.forEach((address, process) -> logs.append("\n--- ").append(address).append('\n').append(process.output()));
    return logs.toString();
  }

  @Test
  void threeProcessesShareTheCountersAndElectOneLeaderThatHandsOver() throws Exception {
    List<String> addresses = new ArrayList<>(List.of(start(), start(), start()));
    // Starting three JVMs: generous on a busy machine.
    List<LeaderView> views = awaitOne(addresses, 0, TIMEOUT.plus(LEADER_TTL));

    // Increments spread over the three processes, 24 in flight at a time: none is lost.
    List<Counter> answers = Flux.range(0, INCREMENTS)
        .flatMap(i -> Http.call(addresses.get(i % 3), "Counters.Increment", new Increment("hits", 1), Counter.class), 24)
        .collectList()
        .block(TIMEOUT);
    assertThat(answers).extracting(Counter::value).doesNotHaveDuplicates().hasSize(INCREMENTS);
    for (String address : addresses) {
      assertThat(Http.call(address, "Counters.Get", new Get("hits"), Counter.class).block(TIMEOUT).value())
          .as("the count on %s", address).isEqualTo(INCREMENTS);
    }

    // Exactly one leader, still, a few heartbeats later.
    LeaderView leader = Leaders.leading(views);
    Flux.interval(Duration.ofMillis(300)).take(3).blockLast(TIMEOUT);
    assertThat(Leaders.leading(Flux.fromIterable(addresses).concatMap(Http::leader).collectList().block(TIMEOUT)).self())
        .isEqualTo(leader.self());

    // The leader's process is killed: nothing is released, another takes over once its lease runs out.
    String killed = addressOf(views, leader);
    instances.get(killed).kill();
    addresses.remove(killed);
    // Its lease had at most a TTL left: a few seconds more cover the polling on a busy machine.
    LeaderView second = Leaders.leading(awaitOne(addresses, leader.term(), LEADER_TTL.plusSeconds(10)));
    assertThat(second.self()).isNotEqualTo(leader.self());

    // The count survived and still counts.
    Flux.range(0, 20)
        .flatMap(i -> Http.call(addresses.get(i % 2), "Counters.Increment", new Increment("hits", 1), Counter.class), 8)
        .blockLast(TIMEOUT);
    assertThat(Http.call(addresses.get(0), "Counters.Get", new Get("hits"), Counter.class).block(TIMEOUT).value())
        .isEqualTo(INCREMENTS + 20);

    // The new leader stops gracefully (SIGTERM): it resigns, so the last one leads well before a TTL.
    String stopped = addressOf(Flux.fromIterable(addresses).concatMap(Http::leader).collectList().block(TIMEOUT), second);
    assertThat(instances.get(stopped).terminate(TIMEOUT)).as("exit after SIGTERM" + logs()).isTrue();
    addresses.remove(stopped);
    // Had it not resigned, its lease would last at least two thirds of a TTL after its last refresh.
    LeaderView third = Leaders.leading(awaitOne(addresses, second.term(), LEADER_TTL.dividedBy(2)));
    assertThat(third.self()).isNotIn(leader.self(), second.self());
  }

  private List<LeaderView> awaitOne(List<String> addresses, long afterTerm, Duration timeout) {
    try {
      return Leaders.awaitOne(addresses, afterTerm, timeout);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + logs(), e);
    }
  }

  private static String addressOf(List<LeaderView> views, LeaderView wanted) {
    return views.stream().filter(view -> view.self().equals(wanted.self())).findFirst()
        .map(view -> view.leader().address()).orElseThrow();
  }
}
