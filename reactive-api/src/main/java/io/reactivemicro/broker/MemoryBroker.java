package io.reactivemicro.broker;

import io.reactivemicro.broker.spi.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

/**
 * The in-memory broker, for one JVM: publishing hands the message to the subscriptions of the topic
 * right away, on the publishing thread (and runs a subscriber that has demand on that thread too).
 * A queue group's message goes to one of its subscribers chosen at random. Each subscription buffers at
 * most {@link SubscribeOptions#bufferSize()} messages it has not requested, then applies its
 * {@link Overflow} policy. Delivery is at most once; nothing is kept for topics nobody subscribes to.
 */
public final class MemoryBroker implements Broker {

  private static final MemoryBroker SHARED = new MemoryBroker();

  private static final String ID = "io.reactivemicro.broker.memory";

  private record Subscription(@Nullable String queue, FluxSink<Message> sink) {}

  private final Map<String, List<Subscription>> topics = new ConcurrentHashMap<>();

  private MemoryBroker() {}

  /** Returns a new broker, for one JVM. */
  public static MemoryBroker create() {
    return new MemoryBroker();
  }

  /** Returns the JVM-wide broker that services and clients use when given none. */
  public static MemoryBroker shared() {
    return SHARED;
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Mono<Void> publish(String topic, Message message) {
    return Mono.fromRunnable(() -> {
      Topics.check(ID, topic);
      List<Subscription> subscriptions = topics.get(topic);
      if (subscriptions == null) {
        return;
      }
      Map<String, List<Subscription>> groups = new LinkedHashMap<>();
      for (Subscription subscription : subscriptions) {
        if (subscription.queue() == null) {
          subscription.sink().next(message);
        } else {
          groups.computeIfAbsent(subscription.queue(), q -> new ArrayList<>()).add(subscription);
        }
      }
      for (List<Subscription> group : groups.values()) {
        group.get(ThreadLocalRandom.current().nextInt(group.size())).sink().next(message);
      }
    });
  }

  @Override
  public Flux<Message> subscribe(String topic, SubscribeOptions options) {
    return Flux.defer(() -> {
      Topics.check(ID, topic);
      Flux<Message> source = Flux.create(sink -> {
        Subscription subscription = new Subscription(options.queue(), sink);
        topics.compute(topic, (t, list) -> {
          List<Subscription> open = list != null ? list : new CopyOnWriteArrayList<>();
          open.add(subscription);
          return open;
        });
        sink.onDispose(() -> topics.computeIfPresent(topic, (t, list) -> {
          list.remove(subscription);
          return list.isEmpty() ? null : list;
        }));
        options.onActive().run();
      }, FluxSink.OverflowStrategy.BUFFER);
      return options.overflow().bound(source, options.bufferSize(), topic);
    });
  }

  /** Returns how many subscriptions are open on a topic, to check that cancelling releases them. */
  int subscriptions(String topic) {
    List<Subscription> subscriptions = topics.get(topic);
    return subscriptions == null ? 0 : subscriptions.size();
  }
}
