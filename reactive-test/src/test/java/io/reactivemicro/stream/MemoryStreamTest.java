package io.reactivemicro.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.codec.Codecs;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.test.stream.StreamContract;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class MemoryStreamTest extends StreamContract {

  private Stream stream;

  @BeforeEach
  void freshStream() {
    stream = Stream.memory();
  }

  @Override
  protected Stream stream() {
    return stream;
  }

  @Test
  void memoryIsTheDefaultBackend() {
    assertThat(Stream.fromSettings(Settings.empty())).isInstanceOf(MemoryStream.class);
  }

  @Test
  void ackWaitRunsOnTheClockSchedulerInVirtualTime() {
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    Stream virtual = MemoryStream.create(clock);
    virtual.publish("virtual", bytes("tick")).block(TIMEOUT);
    ConsumeOptions options = ConsumeOptions.defaults().withStart(StartPosition.beginning()).withAutoAck(false)
        .withGroup("g").withAckWait(Duration.ofMinutes(10));

    StepVerifier.create(virtual.consume("virtual", options))
        .assertNext(e -> assertThat(e.deliveryCount()).isEqualTo(1))
        .then(() -> clock.advanceTimeBy(Duration.ofMinutes(9)))
        .expectNoEvent(Duration.ofMillis(100))
        .then(() -> clock.advanceTimeBy(Duration.ofMinutes(1)))
        .assertNext(e -> assertThat(e.deliveryCount()).isEqualTo(2))
        .thenCancel()
        .verify(TIMEOUT);
  }

  record Order(String id, int amount) {}

  @Test
  void typedPublishEncodesAndEventDecodes() {
    Codecs codecs = Codecs.defaults();
    stream.publish("orders", new Order("a", 3), codecs.get("application/json"), Map.of()).block(TIMEOUT);

    StepVerifier.create(stream.consume("orders", ConsumeOptions.defaults().withStart(StartPosition.beginning())).take(1))
        .assertNext(e -> {
          assertThat(e.metadata()).containsEntry(Event.CONTENT_TYPE, "application/json");
          assertThat(e.decode(Order.class, codecs)).isEqualTo(new Order("a", 3));
        })
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void closingCompletesConsumersAndRejectsPublishing() {
    StepVerifier.create(stream.consume("closing"))
        .then(() -> stream.close().block(TIMEOUT))
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(stream.publish("closing", bytes("late")))
        .expectError()
        .verify(TIMEOUT);
  }
}
