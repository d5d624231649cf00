package io.reactivemicro.samples.events;

import io.reactivemicro.stream.log.LogStream;
import java.nio.file.Path;
import java.time.Duration;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Runs the ledger on a log in {@code ./ledger-data} (or the directory given): deposits 10, then prints
 * the balance. Run it twice: the second run folds in only the new deposit, the balance grows by 10.
 */
public final class Main {

  private Main() {}

  /**
   * Runs once.
   *
   * @param args optionally the data directory
   */
  public static void main(String[] args) {
    Path directory = Path.of(args.length > 0 ? args[0] : "ledger-data");
    LogStream stream = LogStream.builder(directory).build();
    Ledger ledger = new Ledger(stream, directory.resolve("ledger.snapshot"));
    Disposable running = ledger.start();
    Ledger.deposit(stream, 10).block();
    Mono.delay(Duration.ofSeconds(1)).block();
    System.out.println("balance " + ledger.balance() + " (" + ledger.applied() + " new events folded in)");
    running.dispose();
    stream.close().block();
  }
}
