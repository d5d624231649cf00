package io.reactivemicro.stream;

import io.reactivemicro.codec.Codec;
import io.reactivemicro.internal.provider.Plugins;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.stream.spi.StreamProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Durable events: producers publish to topics, consumers read them in groups, acknowledge them, and get
 * them again when they do not. Go Micro's {@code events.Stream}, made reactive.
 *
 * <p>Delivery is at least once: an event is delivered again (to this or another member of its group)
 * until it is acknowledged, when the ack wait passes, after a nack, or when its consumer cancels.
 * Each consumer holds at most {@link ConsumeOptions#maxInFlight()} fetched or unacknowledged events and
 * fetches only what its subscriber requested, so a slow consumer does not slow producers: the topic's
 * log grows instead.
 *
 * <p>Topics are 1 to 200 characters of letters, digits and {@code . - _}; anything else is a
 * {@link io.reactivemicro.errors.MicroException} 400 in the returned {@code Mono}/{@code Flux}.
 *
 * <pre>{@code
 * Stream stream = Stream.fromSettings(Settings.fromEnvironment(args)); // memory unless MICRO_STREAM says
 * stream.publish("orders", bytes, Map.of("kind", "created")).block();
 * stream.consume("orders", ConsumeOptions.defaults().group("billing").autoAck(false))
 *     .concatMap(event -> bill(event).then(event.ack()))
 *     .subscribe();
 * }</pre>
 */
public interface Stream {

  /**
   * Publishes an event.
   *
   * @param topic the topic
   * @param payload the payload; the backend keeps its own copy
   * @param metadata the metadata, kept with the event
   * @return a {@code Mono} that completes once the event is durable as the backend promises (see each
   *     backend), and fails with a 400 on a bad topic
   */
  Mono<Void> publish(String topic, byte[] payload, Map<String, String> metadata);

  /** Publishes an event without metadata; see {@link #publish(String, byte[], Map)}. */
  default Mono<Void> publish(String topic, byte[] payload) {
    return publish(topic, payload, Map.of());
  }

  /**
   * Publishes a value encoded with {@code codec}, its content type in the {@link Event#CONTENT_TYPE}
   * metadata so that {@link Event#decode} finds the codec.
   *
   * @param topic the topic
   * @param value the value
   * @param codec the codec, such as {@code Codecs.defaults().get("application/json")}
   * @param metadata more metadata
   * @return as {@link #publish(String, byte[], Map)}; encoding failures are errors of the {@code Mono}
   */
  default Mono<Void> publish(String topic, Object value, Codec codec, Map<String, String> metadata) {
    Objects.requireNonNull(value, "value");
    return Mono.defer(() -> {
      byte[] payload = codec.encoder(value.getClass()).encode(value);
      Map<String, String> all = new LinkedHashMap<>(metadata);
      all.put(Event.CONTENT_TYPE, codec.contentType());
      return publish(topic, payload, all);
    });
  }

  /**
   * Consumes a topic.
   *
   * <p>The {@code Flux} emits events in the topic's order for each consumer (redeliveries come before
   * new events), never more than requested; each subscription is a new member of the options' group.
   * Cancelling it leaves the group and gives the events it had not acknowledged back to the group at
   * once. It completes only when the stream is closed, and fails on a bad topic (400) or when the
   * backend fails for good.
   *
   * @param topic the topic
   * @param options the group, start, acknowledgement and limits
   * @return the events
   */
  Flux<Event> consume(String topic, ConsumeOptions options);

  /** Consumes a topic with {@link ConsumeOptions#defaults()}: every new event, auto-acknowledged. */
  default Flux<Event> consume(String topic) {
    return consume(topic, ConsumeOptions.defaults());
  }

  /**
   * Closes the stream: consumers complete and the backend's resources (connections, files) are
   * released. Publishing afterwards fails.
   *
   * @return a {@code Mono} that completes once everything is released
   */
  Mono<Void> close();

  /**
   * Creates the stream {@code settings} choose: {@code stream} (default {@code memory}) names the
   * provider, {@code stream_address} its address.
   *
   * @throws IllegalArgumentException when the chosen provider is not on the class path
   */
  static Stream fromSettings(Settings settings) {
    return Plugins.create(StreamProvider.class, "stream", "memory", settings);
  }

  /** Returns a new in-memory stream, for one JVM; see {@link MemoryStream}. */
  static Stream memory() {
    return MemoryStream.create();
  }

  /** Returns the JVM-wide in-memory stream, so that services of one JVM share events; see {@link MemoryStream}. */
  static Stream shared() {
    return MemoryStream.shared();
  }
}
