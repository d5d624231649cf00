package io.reactivemicro.samples.counters;

import static org.assertj.core.api.Assertions.fail;

import io.reactivemicro.test.Await;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

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
    // An instance that does not answer yet counts as no view at all: polled again.
    Polled polled = Await.value("exactly one leader after term " + afterTerm + ", named by every instance",
        timeout, () -> poll(addresses), seen -> agreeOnOne(seen.views(), afterTerm));
    return polled.views();
  }

  private static Polled poll(List<String> addresses) {
    try {
      return new Polled(Flux.fromIterable(addresses).concatMap(Http::leader).collectList()
          .block(Duration.ofSeconds(15)), null);
    } catch (RuntimeException e) {
      return new Polled(List.of(), e);
    }
  }

  private static boolean agreeOnOne(List<LeaderView> views, long afterTerm) {
    List<LeaderView> leading = views.stream().filter(LeaderView::leading).toList();
    return leading.size() == 1 && leading.get(0).term() > afterTerm
        && views.stream().allMatch(view -> view.leader() != null
            && view.leader().instance().equals(leading.get(0).self())
            && view.leader().term() == leading.get(0).term());
  }

  /** What one poll saw: every instance's view, or the error of the instance that did not answer. */
  private record Polled(List<LeaderView> views, @Nullable Throwable error) {}

  /** Returns the one view that leads. */
  static LeaderView leading(List<LeaderView> views) {
    return views.stream().filter(LeaderView::leading).reduce((a, b) -> fail("two leaders: " + a + ", " + b))
        .orElseGet(() -> fail("no leader: " + views));
  }
}
