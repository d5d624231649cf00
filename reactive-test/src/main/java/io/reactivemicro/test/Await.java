package io.reactivemicro.test;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Schedulers;

/**
 * Waits in a test until something holds, polling it on the test's own thread with a deadline, and fails
 * with what was awaited and the last value seen when the deadline passes. For what a backend or a server
 * does in its own time (a node that expires, a connection that closes, a count that drops) where there is
 * no signal to subscribe to; a {@code Mono} or a {@code Flux} is better verified with {@code StepVerifier},
 * and TTLs and retries under one's own clock with virtual time.
 *
 * <pre>{@code
 * Await.until("the node leaves after its TTL", Duration.ofSeconds(5), () -> lookUp(name).isEmpty());
 * List<Node> nodes = Await.value("both nodes are seen", Duration.ofSeconds(10), () -> nodesOf(name),
 *     found -> found.size() == 2);
 * Await.untilAsserted(Duration.ofSeconds(5), () -> assertThat(queue.consumers()).isZero());
 * }</pre>
 *
 * <p>The condition runs first at once, then every 10 ms, the pause doubling up to 100 ms. The condition may
 * block (a {@code block()} on a look-up, say): it runs on the caller's thread, which must therefore not be
 * one of Reactor's non-blocking threads.
 */
public final class Await {

  private static final long FIRST_PAUSE_NANOS = Duration.ofMillis(10).toNanos();
  private static final long LONGEST_PAUSE_NANOS = Duration.ofMillis(100).toNanos();

  private Await() {}

  /**
   * Returns once {@code condition} holds.
   *
   * @param timeout how long to wait at most
   * @param condition what to wait for; it may block
   * @throws AssertionError when the condition does not hold within {@code timeout}
   */
  public static void until(Duration timeout, BooleanSupplier condition) {
    until("the condition holds", timeout, condition);
  }

  /**
   * Returns once {@code condition} holds.
   *
   * @param what what is awaited, for the failure message ("the node leaves")
   * @param timeout how long to wait at most
   * @param condition what to wait for; it may block
   * @throws AssertionError when the condition does not hold within {@code timeout}
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    Objects.requireNonNull(condition, "condition");
    value(what, timeout, condition::getAsBoolean, Boolean::booleanValue);
  }

  /**
   * Returns the first value {@code supplier} gives that {@code accepted} accepts.
   *
   * @param timeout how long to wait at most
   * @param supplier gives the value, again at each poll; it may block
   * @param accepted tells whether a value is the one awaited
   * @param <T> the type of the value
   * @return the accepted value
   * @throws AssertionError when no value is accepted within {@code timeout}; its message holds the last one
   */
  public static <T extends @Nullable Object> T value(Duration timeout, Supplier<T> supplier,
      Predicate<? super T> accepted) {
    return value("an accepted value", timeout, supplier, accepted);
  }

  /**
   * Returns the first value {@code supplier} gives that {@code accepted} accepts.
   *
   * @param what what is awaited, for the failure message
   * @param timeout how long to wait at most
   * @param supplier gives the value, again at each poll; it may block
   * @param accepted tells whether a value is the one awaited
   * @param <T> the type of the value
   * @return the accepted value
   * @throws AssertionError when no value is accepted within {@code timeout}; its message holds the last one
   */
  public static <T extends @Nullable Object> T value(String what, Duration timeout, Supplier<T> supplier,
      Predicate<? super T> accepted) {
    Objects.requireNonNull(supplier, "supplier");
    Objects.requireNonNull(accepted, "accepted");
    Poll poll = new Poll(what, timeout);
    while (true) {
      T value = supplier.get();
      if (accepted.test(value)) {
        return value;
      }
      poll.pauseOrFail(() -> value instanceof Boolean ? null : "last value: " + value, null);
    }
  }

  /**
   * Returns once {@code assertion} runs without throwing an {@link AssertionError}: for conditions best
   * said with AssertJ, whose message then explains a timeout.
   *
   * @param timeout how long to wait at most
   * @param assertion the assertions; it may block
   * @throws AssertionError when the assertions still fail after {@code timeout}, with the last failure as
   *     its cause
   */
  public static void untilAsserted(Duration timeout, Runnable assertion) {
    untilAsserted("the assertions pass", timeout, assertion);
  }

  /**
   * Returns once {@code assertion} runs without throwing an {@link AssertionError}.
   *
   * @param what what is awaited, for the failure message
   * @param timeout how long to wait at most
   * @param assertion the assertions; it may block
   * @throws AssertionError when the assertions still fail after {@code timeout}, with the last failure as
   *     its cause
   */
  public static void untilAsserted(String what, Duration timeout, Runnable assertion) {
    Objects.requireNonNull(assertion, "assertion");
    Poll poll = new Poll(what, timeout);
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError failed) {
        poll.pauseOrFail(failed::getMessage, failed);
      }
    }
  }

  /** One wait: its deadline and its growing pause. */
  private static final class Poll {
    private final String what;
    private final Duration timeout;
    private final long deadline;
    private long pause = FIRST_PAUSE_NANOS;

    Poll(String what, Duration timeout) {
      this.what = Objects.requireNonNull(what, "what");
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      if (Schedulers.isInNonBlockingThread()) {
        throw new IllegalStateException("Await blocks the thread it runs on; "
            + Thread.currentThread().getName() + " is one of Reactor's non-blocking threads");
      }
      this.deadline = System.nanoTime() + timeout.toNanos();
    }

    /** Pauses before the next poll, or fails when the deadline has passed. */
    void pauseOrFail(Supplier<@Nullable String> last, @Nullable Throwable cause) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        String detail = last.get();
        AssertionError timedOut = new AssertionError("timed out after " + timeout.toMillis() + " ms waiting until "
            + what + (detail == null ? "" : "; " + detail));
        if (cause != null) {
          timedOut.initCause(cause);
        }
        throw timedOut;
      }
      try {
        Thread.sleep(Duration.ofNanos(Math.min(pause, left)).toMillis() + 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting until " + what, e);
      }
      pause = Math.min(pause * 2, LONGEST_PAUSE_NANOS);
    }
  }
}
