package io.reactivemicro.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.metadata.Metadata;
import io.reactivemicro.server.spi.Router;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class RouterDrainTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  static class Slow {
    final Sinks.One<String> release = Sinks.one();

    public Mono<String> work(String request) {
      return release.asMono();
    }

    public Mono<String> quick(String request) {
      return Mono.just(request);
    }
  }

  private final Slow slow = new Slow();
  private final Router router = Router.builder("slow").handler(slow).build();

  @Test
  void drainOfAnIdleRouterCompletesAtOnce() {
    StepVerifier.create(router.drain(Duration.ofSeconds(30)))
        .expectNext(true)
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(router.draining()).isTrue();
  }

  @Test
  void drainRefusesNewCallsAndCompletesWhenTheCallInFlightFinishes() {
    StepVerifier inFlight = StepVerifier.create(router.require("Slow.Work").requestResponse("first", Metadata.empty()))
        .expectNext("done")
        .expectComplete()
        .verifyLater();
    assertThat(router.inFlight()).isEqualTo(1);

    AtomicBoolean finished = new AtomicBoolean();
    StepVerifier drained = StepVerifier.create(router.drain(Duration.ofSeconds(30)).doOnNext(ok -> finished.set(true)))
        .expectNext(true)
        .expectComplete()
        .verifyLater();
    assertThat(router.draining()).isTrue();

    StepVerifier.create(router.require("Slow.Quick").requestResponse("second", Metadata.empty()))
        .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(MicroException.class, me -> {
          assertThat(me.code()).isEqualTo(503);
          assertThat(me.id()).isEqualTo("slow");
        }))
        .verify(TIMEOUT);
    StepVerifier.create(router.require("Slow.Quick").requestStream("third", Metadata.empty()))
        .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(MicroException.class,
            me -> assertThat(me.code()).isEqualTo(503)))
        .verify(TIMEOUT);

    assertThat(finished).as("drain waits for the call in flight").isFalse();

    slow.release.tryEmitValue("done");

    inFlight.verify(TIMEOUT);
    drained.verify(TIMEOUT);
    assertThat(router.inFlight()).isZero();
  }

  @Test
  void drainGivesUpWithFalseAfterTheTimeoutWhenACallNeverFinishes() {
    Disposable stuck = router.require("Slow.Work").requestResponse("forever", Metadata.empty()).subscribe();
    try {
      assertThat(router.inFlight()).isEqualTo(1);

      StepVerifier.withVirtualTime(() -> router.drain(Duration.ofSeconds(30)))
          .expectSubscription()
          .expectNoEvent(Duration.ofSeconds(29))
          .thenAwait(Duration.ofSeconds(1))
          .expectNext(false)
          .expectComplete()
          .verify(TIMEOUT);
      assertThat(router.inFlight()).isEqualTo(1);
    } finally {
      stuck.dispose();
    }
    assertThat(router.inFlight()).as("cancelling the call ends it").isZero();
  }

  @Test
  void callsFinishingDuringTheDrainAreNotCountedTwice() {
    StepVerifier.create(router.require("Slow.Quick").requestResponse("a", Metadata.empty()))
        .expectNext("a")
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(router.inFlight()).isZero();

    StepVerifier.create(router.drain(Duration.ofSeconds(30)))
        .expectNext(true)
        .expectComplete()
        .verify(TIMEOUT);
  }
}
