package io.reactivemicro.plugin.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class SharedClientsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** A client that counts its holders and its closes. */
  private static final class Client {
    final AtomicInteger holders = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    volatile boolean closedWhileHeld;

    Mono<Void> close() {
      return Mono.fromRunnable(() -> {
        if (holders.get() != 0) {
          closedWhileHeld = true;
        }
        closes.incrementAndGet();
      });
    }
  }

  private final String key = "test " + UUID.randomUUID();
  private final Queue<Client> created = new ConcurrentLinkedQueue<>();

  private SharedClients.Lease<Client> acquire() {
    return SharedClients.acquire(key, () -> {
      Client client = new Client();
      created.add(client);
      return client;
    }, Client::close);
  }

  @Test
  void leasesOnOneKeyShareOneClientClosedByTheLastRelease() {
    SharedClients.Lease<Client> first = acquire();
    SharedClients.Lease<Client> second = acquire();

    assertThat(second.client()).isSameAs(first.client());
    assertThat(SharedClients.references(key)).isEqualTo(2);

    first.release().block(TIMEOUT);
    assertThat(first.client().closes).hasValue(0);
    assertThat(SharedClients.references(key)).isEqualTo(1);

    second.release().block(TIMEOUT);
    assertThat(first.client().closes).hasValue(1);
    assertThat(SharedClients.references(key)).isZero();
  }

  @Test
  void releasingTwiceReleasesOnce() {
    SharedClients.Lease<Client> first = acquire();
    SharedClients.Lease<Client> second = acquire();

    first.release().block(TIMEOUT);
    first.release().block(TIMEOUT);

    assertThat(SharedClients.references(key)).isEqualTo(1);
    assertThat(second.client().closes).hasValue(0);
    second.release().block(TIMEOUT);
    assertThat(second.client().closes).hasValue(1);
  }

  @Test
  void aReleaseThatIsNotSubscribedReleasesNothing() {
    SharedClients.Lease<Client> lease = acquire();

    lease.release();

    assertThat(SharedClients.references(key)).isEqualTo(1);
    lease.release().block(TIMEOUT);
  }

  @Test
  void aClientClosedByItsLastReleaseIsNeverHandedOutAgain() {
    SharedClients.Lease<Client> first = acquire();
    first.release().block(TIMEOUT);

    SharedClients.Lease<Client> second = acquire();

    assertThat(second.client()).isNotSameAs(first.client());
    assertThat(created).hasSize(2);
    second.release().block(TIMEOUT);
  }

  @Test
  void keysKeepTheirClientsApart() {
    SharedClients.Lease<Client> first = acquire();
    SharedClients.Lease<Client> other = SharedClients.acquire(key + " other", Client::new, Client::close);

    assertThat(other.client()).isNotSameAs(first.client());
    Mono.when(first.release(), other.release()).block(TIMEOUT);
  }

  @Test
  void aFailedCreationLeavesNothingBehind() {
    assertThatThrownBy(() -> SharedClients.acquire(key, () -> {
      throw new IllegalStateException("no client");
    }, (Object client) -> Mono.empty())).hasMessage("no client");

    assertThat(SharedClients.references(key)).isZero();
    SharedClients.Lease<Client> lease = acquire();
    assertThat(created).hasSize(1);
    lease.release().block(TIMEOUT);
  }

  @Test
  void concurrentAcquiresAndReleasesCloseEveryClientOnceAndNoneWhileHeld() throws Exception {
    int threads = 8;
    int rounds = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger handedOutClosed = new AtomicInteger();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < rounds; i++) {
            SharedClients.Lease<Client> lease = acquire();
            Client client = lease.client();
            client.holders.incrementAndGet();
            if (client.closes.get() != 0) {
              handedOutClosed.incrementAndGet();
            }
            if (ThreadLocalRandom.current().nextInt(4) == 0) {
              Thread.yield();
            }
            client.holders.decrementAndGet();
            lease.release().block(TIMEOUT);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(handedOutClosed).hasValue(0);
    assertThat(SharedClients.references(key)).isZero();
    assertThat(created).isNotEmpty().allSatisfy(client -> {
      assertThat(client.closes).hasValue(1);
      assertThat(client.closedWhileHeld).isFalse();
    });
  }
}
