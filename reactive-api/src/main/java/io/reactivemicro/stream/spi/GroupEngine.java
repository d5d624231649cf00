package io.reactivemicro.stream.spi;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.stream.ConsumeOptions;
import io.reactivemicro.stream.Event;
import io.reactivemicro.stream.StartPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Consumer groups over an {@link EventStore}, in one JVM: the memory and log streams. It hands events to
 * the members of each group in order, tracks what is unacknowledged, and redelivers after the ack wait,
 * a nack or a member's departure.
 *
 * <p>Store reads and group-state writes run on the drain scheduler (the caller's thread for memory,
 * {@code boundedElastic} for files); events are emitted there too. Timers run on the clock scheduler.
 */
public final class GroupEngine {

  private static final Logger LOG = Loggers.getLogger(GroupEngine.class);

  private final EventStore store;
  private final Scheduler drainScheduler;
  private final Scheduler clock;
  private final Map<String, Map<String, Group>> topics = new ConcurrentHashMap<>();
  private final Set<Member> members = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * Creates an engine.
   *
   * @param store the events and group state
   * @param drainScheduler where store reads, group-state writes and emission run
   * @param clock where ack-wait and nack timers run
   */
  public GroupEngine(EventStore store, Scheduler drainScheduler, Scheduler clock) {
    this.store = store;
    this.drainScheduler = drainScheduler;
    this.clock = clock;
  }

  /** Appends an event; see {@link io.reactivemicro.stream.Stream#publish}. */
  public Mono<Void> publish(String topic, byte[] payload, Map<String, String> metadata) {
    return Mono.defer(() -> {
      Topics.check(topic);
      if (closed) {
        return Mono.error(closedError());
      }
      return store.append(topic, payload.clone(), metadata)
          .doOnNext(stored -> appended(topic))
          .then();
    });
  }

  /** Consumes a topic; see {@link io.reactivemicro.stream.Stream#consume}. */
  public Flux<Event> consume(String topic, ConsumeOptions options) {
    Flux<Event> events = Flux.defer(() -> {
      Topics.check(topic);
      if (closed) {
        return Flux.error(closedError());
      }
      return Flux.<Event>create(sink -> {
        Member member = new Member(topic, options, sink);
        members.add(member);
        sink.onRequest(member::request);
        sink.onDispose(member::leave);
        drainScheduler.schedule(() -> join(member));
      });
    });
    return options.autoAck() ? AutoAck.apply(events) : events;
  }

  /** Completes every consumer and closes the store. */
  public Mono<Void> close() {
    return Mono.<Void>fromRunnable(() -> {
      closed = true;
      for (Member member : List.copyOf(members)) {
        member.sink.complete();
      }
      synchronized (store) {
        store.close();
      }
    }).subscribeOn(drainScheduler);
  }

  private static MicroException closedError() {
    return MicroException.serviceUnavailable(Topics.ERROR_ID, "the stream is closed");
  }

  private void appended(String topic) {
    Map<String, Group> groups = topics.get(topic);
    if (groups != null) {
      for (Group group : groups.values()) {
        group.drain();
      }
    }
  }

  private void join(Member member) {
    try {
      Group group;
      Map<String, Group> groups = topics.computeIfAbsent(member.topic, t -> new ConcurrentHashMap<>());
      synchronized (groups) {
        if (member.cancelled) {
          return;
        }
        String name = member.options.group();
        if (name == null) {
          group = new Group(member.topic, "_" + Ids.random(), false);
          group.cursor = startCursor(member.topic, member.options.start());
          groups.put(group.name, group);
        } else {
          group = groups.get(name);
          if (group == null) {
            group = new Group(member.topic, name, true);
            GroupState state = store.loadGroup(member.topic, name);
            if (state == null) {
              group.cursor = startCursor(member.topic, member.options.start());
              group.persist();
            } else {
              group.cursor = state.cursor();
              for (Map.Entry<Long, Integer> e : state.pending().entrySet()) {
                Pending pending = new Pending(e.getKey(), e.getValue());
                group.pending.put(e.getKey(), pending);
                group.ready.add(e.getKey());
              }
            }
            groups.put(name, group);
          }
        }
        synchronized (group) {
          group.members.add(member);
          member.group = group;
        }
      }
      if (member.cancelled) {
        group.remove(member);
      }
      group.drain();
    } catch (RuntimeException e) {
      member.sink.error(e);
    }
  }

  private long startCursor(String topic, StartPosition start) {
    if (start instanceof StartPosition.Sequence sequence) {
      return Math.max(sequence.sequence(), store.firstSequence(topic));
    }
    if (start instanceof StartPosition.Time time) {
      return store.sequenceAt(topic, time.time());
    }
    if (start == StartPosition.beginning()) {
      return store.firstSequence(topic);
    }
    return store.nextSequence(topic);
  }

  /** One delivery or dead letter decided under the group's lock, carried out outside it. */
  private interface Step {
    void run();
  }

  private static final class Pending {
    final long sequence;
    int deliveries;
    int attempt;
    @Nullable Member owner;
    @Nullable Disposable timer;

    Pending(long sequence, int deliveries) {
      this.sequence = sequence;
      this.deliveries = deliveries;
    }
  }

  private final class Member {
    final String topic;
    final ConsumeOptions options;
    final FluxSink<Event> sink;
    final AtomicLong demand = new AtomicLong();
    final Set<Long> held = new HashSet<>();
    volatile @Nullable Group group;
    volatile boolean cancelled;

    Member(String topic, ConsumeOptions options, FluxSink<Event> sink) {
      this.topic = topic;
      this.options = options;
      this.sink = sink;
    }

    void request(long n) {
      demand.getAndUpdate(d -> Operators.addCap(d, n));
      Group g = group;
      if (g != null) {
        g.drain();
      }
    }

    void leave() {
      cancelled = true;
      members.remove(this);
      Group g = group;
      if (g != null) {
        g.remove(this);
      }
    }
  }

  private final class Group {
    final String topic;
    final String name;
    final boolean durable;
    final List<Member> members = new ArrayList<>();
    final TreeMap<Long, Pending> pending = new TreeMap<>();
    final TreeSet<Long> ready = new TreeSet<>();
    final AtomicInteger wip = new AtomicInteger();
    long cursor;
    int next;

    Group(String topic, String name, boolean durable) {
      this.topic = topic;
      this.name = name;
      this.durable = durable;
    }

    void drain() {
      if (wip.getAndIncrement() == 0) {
        drainScheduler.schedule(this::drainLoop);
      }
    }

    private void drainLoop() {
      int missed = 1;
      do {
        for (;;) {
          Step step;
          try {
            synchronized (this) {
              step = nextStep();
            }
          } catch (RuntimeException e) {
            LOG.error("stream group " + name + " on " + topic + " failed", e);
            failMembers(e);
            step = null;
          }
          if (step == null) {
            break;
          }
          step.run();
        }
        missed = wip.addAndGet(-missed);
      } while (missed != 0);
    }

    private synchronized void failMembers(RuntimeException e) {
      for (Member member : List.copyOf(members)) {
        member.sink.error(e);
      }
    }

    private @Nullable Member pickMember() {
      int size = members.size();
      for (int i = 0; i < size; i++) {
        Member member = members.get((next + i) % size);
        if (!member.cancelled && member.demand.get() > 0 && member.held.size() < member.options.maxInFlight()) {
          next = (next + i + 1) % size;
          return member;
        }
      }
      return null;
    }

    // Called under this group's lock.
    private @Nullable Step nextStep() {
      if (closed) {
        return null;
      }
      for (;;) {
        Member member = pickMember();
        if (member == null) {
          return null;
        }
        Long sequence = ready.pollFirst();
        Pending entry;
        if (sequence != null) {
          entry = pending.get(sequence);
          if (entry == null || entry.owner != null) {
            continue;
          }
        } else if (cursor < store.nextSequence(topic)) {
          sequence = cursor++;
          entry = new Pending(sequence, 0);
          pending.put(sequence, entry);
        } else {
          return null;
        }
        StoredEvent stored = store.read(topic, sequence);
        if (stored == null) {
          pending.remove(sequence);
          persist();
          continue;
        }
        int max = member.options.maxDeliveries();
        if (max > 0 && entry.deliveries >= max) {
          return deadLetter(member.options, entry, stored);
        }
        entry.deliveries++;
        entry.attempt++;
        entry.owner = member;
        member.held.add(sequence);
        member.demand.decrementAndGet();
        int attempt = entry.attempt;
        long seq = sequence;
        entry.timer = clock.schedule(() -> expired(seq, attempt), member.options.ackWait().toMillis(),
            TimeUnit.MILLISECONDS);
        persist();
        Event event = Events.create(stored.id(), topic, stored.timestamp(), stored.sequence(), stored.metadata(),
            stored.payload(), entry.deliveries, new EventAcks(this, member, seq, attempt));
        return () -> member.sink.next(event);
      }
    }

    private Step deadLetter(ConsumeOptions options, Pending entry, StoredEvent stored) {
      entry.attempt++;
      entry.owner = null;
      String dlq = options.deadLetterTopic();
      if (dlq == null) {
        pending.remove(entry.sequence);
        persist();
        LOG.warn("event {} on {} dropped after {} deliveries (no dead-letter topic)", stored.id(), topic,
            entry.deliveries);
        return () -> { };
      }
      Map<String, String> metadata = new LinkedHashMap<>(stored.metadata());
      metadata.put(Event.DEAD_LETTER_TOPIC, topic);
      metadata.put(Event.DEAD_LETTER_ID, stored.id());
      metadata.put(Event.DEAD_LETTER_DELIVERIES, Integer.toString(entry.deliveries));
      int attempt = entry.attempt;
      return () -> publish(dlq, stored.payload(), metadata).subscribe(null, e -> {
        LOG.warn("dead letter of {} on {} failed; it will be retried: {}", stored.id(), topic, e.toString());
        release(entry.sequence, attempt);
      }, () -> {
        synchronized (this) {
          if (pending.get(entry.sequence) == entry && entry.attempt == attempt) {
            pending.remove(entry.sequence);
            persist();
          }
        }
      });
    }

    void persist() {
      if (durable) {
        Map<Long, Integer> deliveries = new HashMap<>();
        pending.forEach((seq, entry) -> deliveries.put(seq, entry.deliveries));
        store.saveGroup(topic, name, new GroupState(cursor, deliveries));
      }
    }

    private void expired(long sequence, int attempt) {
      boolean changed;
      synchronized (this) {
        Pending entry = pending.get(sequence);
        changed = entry != null && entry.attempt == attempt && entry.owner != null;
        if (changed) {
          entry.owner.held.remove(sequence);
          entry.owner = null;
          entry.timer = null;
          ready.add(sequence);
        }
      }
      if (changed) {
        drain();
      }
    }

    // Releases a dead letter whose publication failed.
    private void release(long sequence, int attempt) {
      synchronized (this) {
        Pending entry = pending.get(sequence);
        if (entry == null || entry.attempt != attempt || entry.owner != null) {
          return;
        }
        ready.add(sequence);
      }
      drain();
    }

    void ack(Member member, long sequence, int attempt) {
      synchronized (this) {
        Pending entry = pending.get(sequence);
        if (entry == null || entry.attempt != attempt || entry.owner != member) {
          return;
        }
        pending.remove(sequence);
        member.held.remove(sequence);
        if (entry.timer != null) {
          entry.timer.dispose();
        }
        persist();
      }
      drain();
    }

    void nack(Member member, long sequence, int attempt, Duration delay) {
      synchronized (this) {
        Pending entry = pending.get(sequence);
        if (entry == null || entry.attempt != attempt || entry.owner != member) {
          return;
        }
        member.held.remove(sequence);
        entry.owner = null;
        if (entry.timer != null) {
          entry.timer.dispose();
        }
        if (delay.isZero()) {
          entry.timer = null;
          ready.add(sequence);
        } else {
          entry.attempt++;
          int next = entry.attempt;
          entry.timer = clock.schedule(() -> release(sequence, next), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
      drain();
    }

    void remove(Member member) {
      synchronized (this) {
        members.remove(member);
        for (Long sequence : member.held) {
          Pending entry = pending.get(sequence);
          if (entry != null && entry.owner == member) {
            entry.owner = null;
            if (entry.timer != null) {
              entry.timer.dispose();
              entry.timer = null;
            }
            ready.add(sequence);
          }
        }
        member.held.clear();
        if (!durable && members.isEmpty()) {
          Map<String, Group> groups = topics.get(topic);
          if (groups != null) {
            groups.remove(name, this);
          }
          return;
        }
      }
      drain();
    }
  }

  private final class EventAcks implements Acknowledger {
    private final Group group;
    private final Member member;
    private final long sequence;
    private final int attempt;

    EventAcks(Group group, Member member, long sequence, int attempt) {
      this.group = group;
      this.member = member;
      this.sequence = sequence;
      this.attempt = attempt;
    }

    @Override
    public Mono<Void> ack() {
      return Mono.<Void>fromRunnable(() -> group.ack(member, sequence, attempt)).subscribeOn(drainScheduler);
    }

    @Override
    public Mono<Void> nack(Duration delay) {
      return Mono.<Void>fromRunnable(() -> group.nack(member, sequence, attempt, delay))
          .subscribeOn(drainScheduler);
    }
  }
}
