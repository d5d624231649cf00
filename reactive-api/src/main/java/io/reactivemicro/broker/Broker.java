package io.reactivemicro.broker;

import io.reactivemicro.broker.spi.BrokerProvider;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.internal.provider.Plugins;
import io.reactivemicro.plugin.Settings;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Fire-and-forget publish/subscribe on named topics, Go Micro's broker made reactive.
 *
 * <p>Without a queue, every subscriber of a topic receives every message published after its
 * subscription became active; subscribers that share a queue name ({@link SubscribeOptions#queue()})
 * compete: each message goes to one of them. Headers travel with the body. Cancelling the {@code Flux}
 * of a subscription unsubscribes and releases what it holds. Demand is honoured where the backend can
 * slow the publisher down (RabbitMQ: prefetch and acknowledgements); elsewhere a subscription buffers at
 * most {@link SubscribeOptions#bufferSize()} messages and then applies its {@link Overflow} policy.
 * Delivery is at most once unless a backend's documentation says otherwise. No method blocks the calling
 * thread.
 *
 * <pre>{@code
 * Broker broker = Broker.fromSettings(Settings.fromEnvironment());
 * Disposable subscription = broker.subscribe("orders", SubscribeOptions.defaults().withQueue("billing"))
 *     .subscribe(message -> System.out.println(new String(message.body(), UTF_8)));
 * broker.publish("orders", Message.of("{\"id\":1}".getBytes(UTF_8))).block();
 * subscription.dispose(); // unsubscribes
 * }</pre>
 */
public interface Broker {

  /** Returns the name of this broker, such as {@code memory} or {@code nats}. */
  String name();

  /**
   * Publishes a message on a topic.
   *
   * @param topic the topic, not blank
   * @param message the message
   * @return a {@code Mono} that completes once the broker has taken the message (for the memory and
   *     RSocket brokers: once it is handed to the subscribers); it fails with a {@link MicroException}
   *     {@code 400} for a bad topic, and with the backend's error when the broker cannot be reached.
   *     Publishing to a topic nobody subscribes to is not an error: the message is dropped
   */
  Mono<Void> publish(String topic, Message message);

  /**
   * Subscribes to a topic.
   *
   * @param topic the topic, not blank
   * @param options the queue group, buffer and overflow policy
   * @return a {@code Flux} of the messages, which never completes on its own; cancelling it
   *     unsubscribes. It fails with a {@link MicroException} {@code 400} for a bad topic, with the
   *     backend's error when the broker cannot be reached or the connection is lost, and with a
   *     {@code 429} when the buffer overflows under {@link Overflow#ERROR}
   */
  Flux<Message> subscribe(String topic, SubscribeOptions options);

  /** Subscribes to a topic with the default options: no queue group. */
  default Flux<Message> subscribe(String topic) {
    return subscribe(topic, SubscribeOptions.defaults());
  }

  /**
   * Subscribes to a topic with manual acknowledgements, for handlers that may fail: a
   * {@link Delivery} is acknowledged or rejected by the subscriber. The default, for brokers without
   * acknowledgements, wraps {@link #subscribe(String, SubscribeOptions)}: acknowledging does nothing.
   *
   * @param topic the topic
   * @param options the queue group, buffer and overflow policy
   * @return a {@code Flux} of deliveries; cancelling it unsubscribes, and on a broker with
   *     acknowledgements the unacknowledged messages are delivered again
   */
  default Flux<Delivery> deliveries(String topic, SubscribeOptions options) {
    return subscribe(topic, options).map(Delivery::unacknowledged);
  }

  /**
   * Releases what the broker holds (connections, threads, registrations). Subscriptions still open end.
   *
   * @return a {@code Mono} that completes once released; the default does nothing
   */
  default Mono<Void> close() {
    return Mono.empty();
  }

  /**
   * Returns the broker {@code settings} choose: {@code MICRO_BROKER} or {@code --broker}, one of the
   * {@link BrokerProvider}s on the class path ({@code MICRO_BROKER_ADDRESS} gives its addresses);
   * {@code memory}, the JVM-wide in-memory broker, when none is chosen.
   *
   * @param settings the settings
   * @return the broker
   * @throws IllegalArgumentException when the chosen broker is not on the class path
   */
  static Broker fromSettings(Settings settings) {
    return Plugins.create(BrokerProvider.class, "broker", "memory", settings);
  }

  /** Returns a new in-memory broker, for one JVM. */
  static Broker memory() {
    return MemoryBroker.create();
  }

  /** Returns the JVM-wide in-memory broker that services and clients use when given none. */
  static Broker shared() {
    return MemoryBroker.shared();
  }
}
