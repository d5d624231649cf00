package io.reactivemicro.samples.counters;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Polls instances for who leads. */
final class Leaders {

  private Leaders() {}

  /**
   * Polls {@code addresses} until exactly one of them leads, in a term after {@code afterTerm}, and the
   * store's heartbeat names it: every instance agrees.
   *
   * @return the instances' views, in the order of {@code addresses}
   */
  static List<LeaderView> awaitOne(List<String> addresses, long afterTerm, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<LeaderView> last = List.of();
    Throwable lastError = null;
    while (System.nanoTime() - deadline < 0) {
      try {
        List<LeaderView> views = Flux.fromIterable(addresses).concatMap(Http::leader).collectList()
            .block(Duration.ofSeconds(15));
        last = views;
        List<LeaderView> leading = views.stream().filter(LeaderView::leading).toList();
        if (leading.size() == 1 && leading.get(0).term() > afterTerm
            && views.stream().allMatch(view -> view.leader() != null
                && view.leader().instance().equals(leading.get(0).self())
                && view.leader().term() == leading.get(0).term())) {
          return views;
        }
      } catch (RuntimeException e) {
        lastError = e;
      }
      Mono.delay(Duration.ofMillis(100)).block();
    }
    return fail("no single leader after term " + afterTerm + " within " + timeout + ": " + last
        + (lastError == null ? "" : " (last error: " + lastError + ")"));
  }

  /** Returns the one view that leads. */
  static LeaderView leading(List<LeaderView> views) {
    return views.stream().filter(LeaderView::leading).reduce((a, b) -> fail("two leaders: " + a + ", " + b))
        .orElseGet(() -> fail("no leader: " + views));
  }
}
