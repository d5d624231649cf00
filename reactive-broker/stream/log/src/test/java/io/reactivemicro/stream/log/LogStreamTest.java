package io.reactivemicro.stream.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.plugin.Settings;
import io.reactivemicro.stream.ConsumeOptions;
import io.reactivemicro.stream.Event;
import io.reactivemicro.stream.StartPosition;
import io.reactivemicro.stream.Stream;
import io.reactivemicro.test.Refusal;
import io.reactivemicro.test.stream.StreamContract;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogStreamTest extends StreamContract {

  @TempDir
  Path directory;

  private LogStream stream;

  @BeforeEach
  void openLog() {
    stream = LogStream.builder(directory).build();
  }

  @Override
  protected Stream stream() {
    return stream;
  }

  /** Settings of a log in a directory of its own: two logs cannot share one. */
  @Override
  protected Settings settingsChoosingThisBackend() {
    return Settings.empty().with("stream", "log").with("stream_address", directory.resolve("chosen").toString());
  }

  @Override
  protected void assertChosen(Stream chosen) {
    assertThat(directory.resolve("chosen").resolve("stream.mv.db")).exists();
  }

  @Override
  protected List<Refusal> builderRefusals() {
    return List.of(Refusal.of(() -> LogStream.builder(null), NullPointerException.class, "directory"));
  }

  @Test
  void eventsAndGroupOffsetsSurviveARestart() {
    String topic = topic("restart");
    publish(topic, "0", "1", "2", "3", "4");
    ConsumeOptions options = ConsumeOptions.defaults().withGroup("ledger").withStart(StartPosition.beginning())
        .withAutoAck(false);
    List<Event> first = stream.consume(topic, options).concatMap(e -> e.ack().thenReturn(e)).take(3)
        .collectList().block(TIMEOUT);
    assertThat(first).extracting(StreamContract::text).containsExactly("0", "1", "2");
    stream.close().block(TIMEOUT);

    stream = LogStream.builder(directory).build();
    List<Event> rest = stream.consume(topic, options).take(2).collectList().block(TIMEOUT);
    assertThat(rest).extracting(StreamContract::text).containsExactly("3", "4");
    List<Event> all = stream.consume(topic, ConsumeOptions.defaults().withStart(StartPosition.beginning())).take(5)
        .collectList().block(TIMEOUT);
    assertThat(all).extracting(Event::sequence).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void unacknowledgedEventsAreRedeliveredAfterARestartWithTheirDeliveryCount() {
    String topic = topic("pending");
    publish(topic, "0", "1");
    ConsumeOptions options = ConsumeOptions.defaults().withGroup("worker").withStart(StartPosition.beginning())
        .withAutoAck(false);
    stream.consume(topic, options).take(2).blockLast(TIMEOUT);
    stream.close().block(TIMEOUT);

    stream = LogStream.builder(directory).build();
    List<Event> again = stream.consume(topic, options).take(2).collectList().block(TIMEOUT);
    assertThat(again).extracting(StreamContract::text).containsExactly("0", "1");
    assertThat(again).extracting(Event::deliveryCount).containsOnly(2);
  }

  @Test
  void everyCompletedPublishSurvivesTheProcessBeingKilled() throws Exception {
    String topic = topic("killed");
    Path log = directory.resolve("killed");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        LogWriterMain.class.getName(), log.toString(), topic)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    Set<Integer> completed = new HashSet<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("ok ")) {
          completed.add(Integer.parseInt(line.substring(3)));
          if (completed.size() >= 300) {
            break;
          }
        }
      }
      // Killed while it publishes; the lines it wrote and that were not read are not checked.
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(completed).hasSizeGreaterThanOrEqualTo(300);

    LogStream reopened = LogStream.builder(log).build();
    try {
      Set<Integer> stored = new HashSet<>();
      reopened.consume(topic, ConsumeOptions.defaults().withStart(StartPosition.beginning()))
          .doOnNext(e -> stored.add(Integer.parseInt(text(e))))
          .takeUntil(e -> stored.containsAll(completed))
          .take(Duration.ofSeconds(15))
          .blockLast(TIMEOUT);
      assertThat(stored).containsAll(completed);
    } finally {
      reopened.close().block(TIMEOUT);
    }
  }
}
