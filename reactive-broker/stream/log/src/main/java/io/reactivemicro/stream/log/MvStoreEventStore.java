package io.reactivemicro.stream.log;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.stream.spi.EventStore;
import io.reactivemicro.stream.spi.GroupState;
import io.reactivemicro.stream.spi.Ids;
import io.reactivemicro.stream.spi.StoredEvent;
import io.reactivemicro.stream.spi.Topics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

/**
 * The events and group state of a {@link LogStream} in an MVStore file: a map {@code events:<topic>}
 * per topic (sequence to encoded event) and a map {@code groups}. Appends are group-committed on
 * {@code boundedElastic}; every other method blocks and is called there.
 */
final class MvStoreEventStore implements EventStore {

  private final Path file;
  private final boolean fsync;
  private final ConcurrentLinkedQueue<Append> appends = new ConcurrentLinkedQueue<>();
  private final AtomicInteger wip = new AtomicInteger();
  // The next sequence of each topic as committed (readers see no further) and as assigned.
  private final Map<String, Long> committed = new ConcurrentHashMap<>();
  private final Map<String, Long> assigned = new HashMap<>();
  private final Object sequenceLock = new Object();
  private volatile @Nullable MVStore store;
  private boolean closed;
  private @Nullable MVMap<String, byte[]> groups;

  MvStoreEventStore(Path file, boolean fsync) {
    this.file = file;
    this.fsync = fsync;
  }

  private record Append(String topic, byte[] payload, Map<String, String> metadata, MonoSink<StoredEvent> sink) {}

  private synchronized MVStore store() {
    MVStore current = store;
    if (closed) {
      throw new IllegalStateException("the log " + file + " is closed");
    }
    if (current == null) {
      try {
        Files.createDirectories(file.getParent());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create " + file.getParent(), e);
      }
      current = new MVStore.Builder().fileName(file.toString()).open();
      groups = current.openMap("groups");
      store = current;
    }
    return current;
  }

  private MVMap<Long, byte[]> events(String topic) {
    return store().openMap("events:" + topic);
  }

  private synchronized MVMap<String, byte[]> groups() {
    store();
    return groups;
  }

  @Override
  public Mono<StoredEvent> append(String topic, byte[] payload, Map<String, String> metadata) {
    return Mono.create(sink -> {
      appends.add(new Append(topic, payload, metadata, sink));
      if (wip.getAndIncrement() == 0) {
        Schedulers.boundedElastic().schedule(this::commitLoop);
      }
    });
  }

  // One commit (and fsync) for every append queued meanwhile.
  private void commitLoop() {
    int missed = 1;
    do {
      List<Append> batch = new ArrayList<>();
      for (Append a; (a = appends.poll()) != null; ) {
        batch.add(a);
      }
      if (!batch.isEmpty()) {
        commit(batch);
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  private void commit(List<Append> batch) {
    List<StoredEvent> stored = new ArrayList<>(batch.size());
    // Readers learn a topic's first next-sequence under the same lock, so they never count an event
    // that is put in its map but not committed yet.
    synchronized (sequenceLock) {
      Map<String, Long> next = new LinkedHashMap<>();
      try {
        MVStore mv = store();
        long now = System.currentTimeMillis();
        for (Append append : batch) {
          MVMap<Long, byte[]> map = events(append.topic());
          long sequence = assigned.computeIfAbsent(append.topic(), t -> nextFromFile(map));
          StoredEvent event = new StoredEvent(Ids.random(), sequence, Instant.ofEpochMilli(now),
              append.metadata(), append.payload());
          map.put(sequence, encode(event));
          assigned.put(append.topic(), sequence + 1);
          next.put(append.topic(), sequence + 1);
          stored.add(event);
        }
        mv.commit();
        if (fsync) {
          mv.sync();
        }
      } catch (RuntimeException e) {
        for (Append append : batch) {
          append.sink().error(e);
        }
        return;
      }
      committed.putAll(next);
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).sink().success(stored.get(i));
    }
  }

  private static long nextFromFile(MVMap<Long, byte[]> map) {
    Long last = map.lastKey();
    return last == null ? 1 : last + 1;
  }

  @Override
  public @Nullable StoredEvent read(String topic, long sequence) {
    if (sequence >= nextSequence(topic)) {
      return null;
    }
    byte[] bytes = events(topic).get(sequence);
    return bytes == null ? null : decode(sequence, bytes);
  }

  @Override
  public long firstSequence(String topic) {
    long next = nextSequence(topic);
    Long first = events(topic).firstKey();
    return first == null ? next : Math.min(first, next);
  }

  @Override
  public long nextSequence(String topic) {
    Long next = committed.get(topic);
    if (next != null) {
      return next;
    }
    synchronized (sequenceLock) {
      return committed.computeIfAbsent(topic, t -> nextFromFile(events(t)));
    }
  }

  @Override
  public long sequenceAt(String topic, Instant time) {
    long low = firstSequence(topic);
    long high = nextSequence(topic);
    MVMap<Long, byte[]> map = events(topic);
    while (low < high) {
      long mid = (low + high) >>> 1;
      byte[] bytes = map.get(mid);
      if (bytes != null && decode(mid, bytes).timestamp().isBefore(time)) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  @Override
  public @Nullable GroupState loadGroup(String topic, String group) {
    byte[] bytes = groups().get(topic + "\u0000" + group);
    if (bytes == null) {
      return null;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      long cursor = in.readLong();
      int size = in.readInt();
      Map<Long, Integer> pending = new HashMap<>();
      for (int i = 0; i < size; i++) {
        pending.put(in.readLong(), in.readInt());
      }
      return new GroupState(cursor, pending);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void saveGroup(String topic, String group, GroupState state) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(state.cursor());
      out.writeInt(state.pending().size());
      for (Map.Entry<Long, Integer> e : state.pending().entrySet()) {
        out.writeLong(e.getKey());
        out.writeInt(e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    groups().put(topic + "\u0000" + group, bytes.toByteArray());
  }

  @Override
  public synchronized void close() {
    closed = true;
    MVStore current = store;
    if (current != null && !current.isClosed()) {
      current.close();
    }
  }

  static byte[] encode(StoredEvent event) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(event.payload().length + 64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(event.id());
      out.writeLong(event.timestamp().toEpochMilli());
      out.writeInt(event.metadata().size());
      for (Map.Entry<String, String> e : event.metadata().entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
      out.writeInt(event.payload().length);
      out.write(event.payload());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes an event as {@link #encode} wrote it. The bytes come from a file that may have been damaged or
   * written by another version, so every length is checked against what is left before anything is
   * allocated: a wrong one fails the read of this event, not the JVM.
   *
   * @throws MicroException a 400 naming the event when the bytes are not an event
   */
  static StoredEvent decode(long sequence, byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      String id = in.readUTF();
      Instant timestamp = Instant.ofEpochMilli(in.readLong());
      int size = in.readInt();
      // Each entry is two strings of at least their two length bytes.
      if (size < 0 || size > in.available() / 4) {
        throw corrupt(sequence, "metadata size " + size + " out of range");
      }
      Map<String, String> metadata = new LinkedHashMap<>();
      for (int i = 0; i < size; i++) {
        metadata.put(in.readUTF(), in.readUTF());
      }
      int length = in.readInt();
      if (length < 0 || length > in.available()) {
        throw corrupt(sequence, "payload length " + length + " out of range");
      }
      byte[] payload = new byte[length];
      in.readFully(payload);
      return new StoredEvent(id, sequence, timestamp, metadata, payload);
    } catch (IOException e) {
      throw corrupt(sequence, e.toString());
    }
  }

  private static MicroException corrupt(long sequence, String why) {
    return MicroException.badRequest(Topics.ERROR_ID, "corrupt event %d in the log: %s", sequence, why);
  }
}
