package io.reactivemicro.stream.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.stream.ConsumeOptions;
import io.reactivemicro.stream.StartPosition;
import io.reactivemicro.stream.Stream;
import io.reactivemicro.test.ApplicationClient;
import io.reactivemicro.test.Await;
import io.reactivemicro.test.Refusal;
import io.reactivemicro.test.stream.StreamContract;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

class JetStreamStreamTest extends StreamContract {

  private static final String NATS = "127.0.0.1:4222";

  private final String streamName = "contract-" + UUID.randomUUID().toString().substring(0, 8);
  private JetStreamStream stream;

  @BeforeEach
  void connect() {
    stream = JetStreamStream.builder(List.of(NATS)).streamName(streamName).build();
  }

  /** Deletes the test's JetStream stream, which holds the events of every topic it used. */
  @Override
  protected void cleanUp(List<String> topics) {
    try {
      deleteStream("nats://" + NATS, streamName);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new IllegalStateException("the stream " + streamName + " could not be deleted", e);
    }
  }

  private static void deleteStream(String url, String name) throws Exception {
    Connection connection = Nats.connect(url);
    try {
      connection.jetStreamManagement().deleteStream(name);
    } catch (JetStreamApiException e) {
      if (e.getErrorCode() != 404) {
        throw e;
      }
    } finally {
      connection.close();
    }
  }

  @Override
  protected Stream stream() {
    return stream;
  }

  @Override
  protected Settings settingsChoosingThisBackend() {
    return Settings.empty().with("stream", "jetstream").with("stream_address", NATS)
        .with("stream_jetstream_name", streamName);
  }

  @Override
  protected void assertChosen(Stream chosen) {
    assertThat(((JetStreamStream) chosen).streamName()).isEqualTo(streamName);
  }

  @Override
  protected String sharedClientKey() {
    return "jnats [nats://" + NATS + "]";
  }

  @Override
  protected Stream unreachable() {
    return JetStreamStream.builder(List.of("127.0.0.1:1")).streamName(streamName).build();
  }

  /** A connection of the application's, whose streams keep the test's one event in the test's stream. */
  @Override
  protected ApplicationClient<Stream> applicationClient() throws Exception {
    Connection connection = Nats.connect("nats://" + NATS);
    return ApplicationClient.of(() -> JetStreamStream.builder(connection).streamName(streamName).build(), () -> {
      assertThat(connection.getStatus()).isEqualTo(Connection.Status.CONNECTED);
      assertThat(connection.jetStreamManagement().getStreamInfo(streamName).getStreamState().getMsgCount())
          .isEqualTo(1);
    }, connection::close);
  }

  @Override
  protected List<Refusal> builderRefusals() {
    return List.of(
        Refusal.of(() -> JetStreamStream.builder((List<String>) null), NullPointerException.class, "addresses"),
        Refusal.of(() -> JetStreamStream.builder(List.of()), IllegalArgumentException.class,
            "at least one NATS address is needed"),
        Refusal.of(() -> JetStreamStream.builder(Arrays.asList("127.0.0.1:4222", null)), NullPointerException.class,
            "address"),
        Refusal.startingWith(() -> JetStreamStream.builder(List.of(" ")), IllegalArgumentException.class,
            "a NATS address must not be blank"),
        Refusal.of(() -> JetStreamStream.builder((Connection) null), NullPointerException.class, "connection"));
  }

  @Test
  void durableNamesAreSafeAndDistinct() {
    assertThat(JetStreamStream.durableName("g", "a.b")).startsWith("g_a_b_").doesNotContain(".");
    assertThat(JetStreamStream.durableName("g", "a.b")).isNotEqualTo(JetStreamStream.durableName("g", "a_b"));
  }

  @Test
  void consumerResumesAfterTheServerRestartsAndNoAcknowledgedEventIsLost(@TempDir Path storage) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path dir = Files.createDirectories(storage.resolve("js"));
    Process server = startNats(port, dir);
    JetStreamStream own = JetStreamStream.builder(List.of("127.0.0.1:" + port)).streamName("restart").build();
    try {
      String topic = topic("restart");
      Set<String> received = ConcurrentHashMap.newKeySet();
      ConsumeOptions options = ConsumeOptions.defaults().withGroup("survivor").withStart(StartPosition.beginning())
          .withAutoAck(false).withAckWait(Duration.ofSeconds(2));
      Disposable consumer = own.consume(topic, options)
          .concatMap(e -> e.ack().onErrorResume(error -> Mono.empty()).thenReturn(e))
          .subscribe(e -> received.add(text(e)));
      Set<String> published = ConcurrentHashMap.newKeySet();
      try {
        for (int i = 0; i < 60; i++) {
          if (i == 30) {
            server.destroy();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            server = startNats(port, dir);
          }
          String payload = Integer.toString(i);
          own.publish(topic, bytes(payload))
              .retryWhen(Retry.backoff(60, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(1)))
              .block(Duration.ofMinutes(2));
          published.add(payload);
        }
        Await.untilAsserted("every published event is received", Duration.ofSeconds(60),
            () -> assertThat(received).containsAll(published));
      } finally {
        consumer.dispose();
      }
    } finally {
      own.close().block(TIMEOUT);
      server.destroyForcibly();
      server.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static Process startNats(int port, Path dir) throws IOException {
    Process process = new ProcessBuilder("/usr/sbin/nats-server", "-js", "-a", "127.0.0.1", "-p",
        Integer.toString(port), "-sd", dir.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      Await.until("nats-server listens on port " + port, Duration.ofSeconds(30), () -> listening(port));
      return process;
    } catch (AssertionError notStarted) {
      process.destroyForcibly();
      throw notStarted;
    }
  }

  private static boolean listening(int port) {
    try (Socket probe = new Socket("127.0.0.1", port)) {
      return probe.isConnected();
    } catch (IOException notYet) {
      return false;
    }
  }
}
