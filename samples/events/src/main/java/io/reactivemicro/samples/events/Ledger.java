package io.reactivemicro.samples.events;

import io.reactivemicro.stream.ConsumeOptions;
import io.reactivemicro.stream.Event;
import io.reactivemicro.stream.StartPosition;
import io.reactivemicro.stream.Stream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * An event-sourced projection: the balance of an account, folded from {@code deposit}/{@code withdraw}
 * events on the topic {@value #TOPIC}.
 *
 * <p>The stream remembers how far the {@value #GROUP} group has read, so after a restart the ledger
 * resumes after the last event it acknowledged. Its own state is a snapshot file holding the balance
 * and the sequence of the last event folded in; an event is acknowledged only after the snapshot is
 * written, and an event whose sequence the snapshot already covers (redelivered after a crash between
 * the write and the ack) is skipped, so each event counts exactly once.
 */
public final class Ledger {

  /** The topic of account events. */
  public static final String TOPIC = "accounts";
  /** The consumer group of the ledger. */
  public static final String GROUP = "ledger";

  private final Stream stream;
  private final Path snapshot;
  private final AtomicInteger applied = new AtomicInteger();
  private volatile long balance;
  private volatile long lastSequence;

  /**
   * Creates a ledger.
   *
   * @param stream the stream to read
   * @param snapshot the file of the ledger's state; read now when it exists
   */
  public Ledger(Stream stream, Path snapshot) {
    this.stream = stream;
    this.snapshot = snapshot;
    if (Files.exists(snapshot)) {
      try {
        String[] parts = Files.readString(snapshot, StandardCharsets.UTF_8).trim().split(" ");
        balance = Long.parseLong(parts[0]);
        lastSequence = Long.parseLong(parts[1]);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Publishes a deposit. */
  public static Mono<Void> deposit(Stream stream, long amount) {
    return stream.publish(TOPIC, ("deposit " + amount).getBytes(StandardCharsets.UTF_8));
  }

  /** Publishes a withdrawal. */
  public static Mono<Void> withdraw(Stream stream, long amount) {
    return stream.publish(TOPIC, ("withdraw " + amount).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Starts folding events in; a new group starts at the beginning of the topic.
   *
   * @return what stops the ledger
   */
  public Disposable start() {
    ConsumeOptions options = ConsumeOptions.defaults()
        .withGroup(GROUP)
        .withStart(StartPosition.beginning())
        .withAutoAck(false);
    return stream.consume(TOPIC, options)
        .concatMap(event -> apply(event).then(event.ack()))
        .subscribe();
  }

  private Mono<Void> apply(Event event) {
    if (event.sequence() <= lastSequence) {
      return Mono.empty();
    }
    String[] command = new String(event.payload(), StandardCharsets.UTF_8).split(" ");
    long amount = Long.parseLong(command[1]);
    long next = command[0].equals("deposit") ? balance + amount : balance - amount;
    return Mono.fromRunnable(() -> save(next, event.sequence()))
        .subscribeOn(Schedulers.boundedElastic())
        .then(Mono.fromRunnable(() -> {
          balance = next;
          lastSequence = event.sequence();
          applied.incrementAndGet();
        }));
  }

  private void save(long balance, long sequence) {
    try {
      Path temporary = snapshot.resolveSibling(snapshot.getFileName() + ".tmp");
      Files.writeString(temporary, balance + " " + sequence, StandardCharsets.UTF_8);
      Files.move(temporary, snapshot, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the balance folded in so far. */
  public long balance() {
    return balance;
  }

  /** Returns how many events this instance folded in (not counting those of earlier runs). */
  public int applied() {
    return applied.get();
  }
}
