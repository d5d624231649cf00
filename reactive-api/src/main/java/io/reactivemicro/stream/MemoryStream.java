package io.reactivemicro.stream;

import io.reactivemicro.stream.spi.EventStore;
import io.reactivemicro.stream.spi.GroupEngine;
import io.reactivemicro.stream.spi.GroupState;
import io.reactivemicro.stream.spi.Ids;
import io.reactivemicro.stream.spi.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A {@link Stream} in the memory of one JVM: the embedded default, for tests and single-process
 * applications. Events, groups and offsets live as long as the instance; nothing survives a restart
 * (use the log stream, {@code reactive-stream-log}, for that).
 *
 * <p>Guarantees: {@code publish} completes once the event is in memory; each topic is totally ordered
 * and its sequences are contiguous from 1; each consumer receives its events in sequence order,
 * redeliveries first. Nothing blocks: events are emitted on the thread that made them available (the
 * publisher's, the requester's, or the clock scheduler's for redeliveries). Time (timestamps, ack
 * waits, nack delays) comes from the clock scheduler, so a {@code VirtualTimeScheduler} drives it in
 * tests. Events are never removed: memory grows with what is published.
 *
 * <pre>{@code
 * Stream stream = MemoryStream.create();
 * stream.consume("orders").subscribe(event -> System.out.println(event.sequence()));
 * stream.publish("orders", "hello".getBytes(StandardCharsets.UTF_8)).block();
 * }</pre>
 */
public final class MemoryStream implements Stream {

  private static final MemoryStream SHARED = new MemoryStream(Schedulers.parallel());

  private final GroupEngine engine;

  private MemoryStream(Scheduler clock) {
    this.engine = new GroupEngine(new Store(clock), Schedulers.immediate(), clock);
  }

  /**
   * Returns the JVM-wide in-memory stream that services use when their settings choose none. Closing it
   * does nothing: it outlives every service.
   */
  public static MemoryStream shared() {
    return SHARED;
  }

  /** Creates a memory stream whose clock is {@link Schedulers#parallel()}. */
  public static MemoryStream create() {
    return new MemoryStream(Schedulers.parallel());
  }

  /**
   * Creates a memory stream with its own clock.
   *
   * @param clock the scheduler whose {@code now} stamps events and that runs ack-wait and nack timers
   */
  public static MemoryStream create(Scheduler clock) {
    return new MemoryStream(Objects.requireNonNull(clock, "clock"));
  }

  @Override
  public Mono<Void> publish(String topic, byte[] payload, Map<String, String> metadata) {
    return engine.publish(topic, payload, metadata);
  }

  @Override
  public Flux<Event> consume(String topic, ConsumeOptions options) {
    return engine.consume(topic, options);
  }

  @Override
  public Mono<Void> close() {
    return this == SHARED ? Mono.empty() : engine.close();
  }

  private static final class Store implements EventStore {
    private final Scheduler clock;
    private final Map<String, List<StoredEvent>> topics = new ConcurrentHashMap<>();
    private final Map<String, GroupState> groups = new ConcurrentHashMap<>();

    Store(Scheduler clock) {
      this.clock = clock;
    }

    private List<StoredEvent> topic(String topic) {
      return topics.computeIfAbsent(topic, t -> new ArrayList<>());
    }

    @Override
    public Mono<StoredEvent> append(String topic, byte[] payload, Map<String, String> metadata) {
      return Mono.fromSupplier(() -> {
        List<StoredEvent> events = topic(topic);
        synchronized (events) {
          StoredEvent event = new StoredEvent(Ids.random(), events.size() + 1L,
              Instant.ofEpochMilli(clock.now(TimeUnit.MILLISECONDS)), metadata, payload);
          events.add(event);
          return event;
        }
      });
    }

    @Override
    public @Nullable StoredEvent read(String topic, long sequence) {
      List<StoredEvent> events = topic(topic);
      synchronized (events) {
        return sequence >= 1 && sequence <= events.size() ? events.get((int) (sequence - 1)) : null;
      }
    }

    @Override
    public long firstSequence(String topic) {
      return 1;
    }

    @Override
    public long nextSequence(String topic) {
      List<StoredEvent> events = topic(topic);
      synchronized (events) {
        return events.size() + 1L;
      }
    }

    @Override
    public long sequenceAt(String topic, Instant time) {
      List<StoredEvent> events = topic(topic);
      synchronized (events) {
        int low = 0;
        int high = events.size();
        while (low < high) {
          int mid = (low + high) >>> 1;
          if (events.get(mid).timestamp().isBefore(time)) {
            low = mid + 1;
          } else {
            high = mid;
          }
        }
        return low + 1L;
      }
    }

    @Override
    public @Nullable GroupState loadGroup(String topic, String group) {
      return groups.get(topic + "\u0000" + group);
    }

    @Override
    public void saveGroup(String topic, String group, GroupState state) {
      groups.put(topic + "\u0000" + group, state);
    }

    @Override
    public void close() {
      topics.clear();
      groups.clear();
    }
  }
}
