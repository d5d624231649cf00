package io.reactivemicro.stream.log;

import io.reactivemicro.stream.ConsumeOptions;
import io.reactivemicro.stream.Event;
import io.reactivemicro.stream.Stream;
import io.reactivemicro.stream.spi.GroupEngine;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A {@link Stream} kept in an embedded, persistent log on local disk: one H2 MVStore file,
 * {@code stream.mv.db}, in a directory. It survives restarts of the process: events, group offsets and
 * the delivery counts of unacknowledged events are all in the file. One process at a time owns the
 * directory (the file is locked).
 *
 * <p>Durability: {@code publish} completes after the event is committed to the file and, unless fsync
 * is turned off, after the file is forced to the storage device ({@code FileChannel.force}); concurrent
 * publishes share one commit and one fsync. With fsync off an event survives the death of the process
 * but may be lost if the machine loses power. Group state (offsets, unacknowledged events) is committed
 * with the next publish or by MVStore's background commit within about a second: after a crash a group
 * may get some events again, never fewer.
 *
 * <p>Threads: MVStore is blocking file I/O, so every file access (opening, appending, reading, group
 * state) runs on {@link Schedulers#boundedElastic()}; events are emitted there. The file is opened
 * lazily by the first operation, whose {@code Mono}/{@code Flux} carries any failure.
 *
 * <p>Ordering: each topic is totally ordered, sequences are contiguous from 1; each consumer receives
 * its events in sequence order, redeliveries first. Events are never removed.
 *
 * <pre>{@code
 * Stream stream = LogStream.builder(Path.of("/var/lib/orders")).build();
 * stream.consume("orders", ConsumeOptions.defaults().group("billing").start(StartPosition.beginning()))
 *     .subscribe(event -> bill(event));
 * }</pre>
 */
public final class LogStream implements Stream {

  private final MvStoreEventStore store;
  private final GroupEngine engine;

  private LogStream(Path directory, boolean fsync) {
    this.store = new MvStoreEventStore(directory.resolve("stream.mv.db"), fsync);
    this.engine = new GroupEngine(store, Schedulers.boundedElastic(), Schedulers.parallel());
  }

  /**
   * Returns a builder of a log stream in {@code directory}, created when missing.
   *
   * @param directory the directory of the log file
   * @return the builder
   * @throws NullPointerException when {@code directory} is null
   */
  public static Builder builder(Path directory) {
    return new Builder(Objects.requireNonNull(directory, "directory"));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Completes once the event is committed to the file and, with fsync on (the default), forced to
   * the device.
   */
  @Override
  public Mono<Void> publish(String topic, byte[] payload, Map<String, String> metadata) {
    return engine.publish(topic, payload, metadata);
  }

  @Override
  public Flux<Event> consume(String topic, ConsumeOptions options) {
    return engine.consume(topic, options);
  }

  /** Completes consumers, commits and closes the file, on {@code boundedElastic}. */
  @Override
  public Mono<Void> close() {
    return engine.close();
  }

  /** Builds a {@link LogStream}. */
  public static final class Builder {
    private final Path directory;
    private boolean fsync = true;

    private Builder(Path directory) {
      this.directory = directory;
    }

    /**
     * Sets whether each commit is forced to the device; on by default. Off, a completed publish survives
     * the death of the process but not a power loss.
     *
     * @param fsync whether to force each commit to the device
     * @return this builder
     */
    public Builder fsync(boolean fsync) {
      this.fsync = fsync;
      return this;
    }

    /**
     * Returns the stream; the file is opened by its first operation.
     *
     * @return the stream
     */
    public LogStream build() {
      return new LogStream(directory, fsync);
    }
  }
}
