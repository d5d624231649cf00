package io.reactivemicro.samples.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.stream.log.LogStream;
import io.reactivemicro.test.Await;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

class LedgerTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir
  Path directory;

  @Test
  void ledgerResumesFromItsOffsetAfterARestart() throws InterruptedException {
    Path snapshot = directory.resolve("ledger.snapshot");

    LogStream stream = LogStream.builder(directory).build();
    Ledger first = new Ledger(stream, snapshot);
    Disposable running = first.start();
    Ledger.deposit(stream, 10).block(TIMEOUT);
    Ledger.deposit(stream, 20).block(TIMEOUT);
    Await.until("the deposits are folded in", TIMEOUT, () -> first.balance() == 30);
    running.dispose();
    stream.close().block(TIMEOUT);

    // Restarted: events published meanwhile are folded in, earlier ones are not read again.
    LogStream restarted = LogStream.builder(directory).build();
    Ledger.withdraw(restarted, 5).block(TIMEOUT);
    Ledger second = new Ledger(restarted, snapshot);
    assertThat(second.balance()).isEqualTo(30);
    Disposable again = second.start();
    try {
      Await.until("the withdrawal is folded in", TIMEOUT, () -> second.balance() == 25);
      // An earlier event read again, which must not happen, would be folded in within this pause.
      Thread.sleep(300);
      assertThat(second.balance()).isEqualTo(25);
      assertThat(second.applied()).isEqualTo(1);
    } finally {
      again.dispose();
      restarted.close().block(TIMEOUT);
    }
  }
}
