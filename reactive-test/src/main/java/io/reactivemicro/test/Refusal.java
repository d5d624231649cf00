package io.reactivemicro.test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Objects;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * A call that must be refused, such as a builder given a null or blank address, with the exception it must
 * throw and that exception's message. The contract suites check the refusals a backend lists.
 *
 * <pre>{@code
 * List.of(
 *     Refusal.of(() -> RedisSync.builder((String) null), NullPointerException.class, "address"),
 *     Refusal.startingWith(() -> RedisSync.builder("http://127.0.0.1:6379"), IllegalArgumentException.class,
 *         "invalid Redis address"));
 * }</pre>
 *
 * @param call the call that must throw
 * @param type the type of exception it must throw
 * @param message the exception's whole message, or its start
 * @param whole whether {@code message} is the whole message rather than its start
 */
public record Refusal(ThrowingCallable call, Class<? extends Throwable> type, String message, boolean whole) {

  /**
   * Checks the arguments.
   *
   * @throws NullPointerException when one is null
   */
  public Refusal {
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(message, "message");
  }

  /**
   * Returns the refusal of {@code call} with a {@code type} whose message is {@code message}.
   *
   * @param call the call that must throw
   * @param type the type of exception it must throw
   * @param message the exception's whole message
   * @return the refusal
   */
  public static Refusal of(ThrowingCallable call, Class<? extends Throwable> type, String message) {
    return new Refusal(call, type, message, true);
  }

  /**
   * Returns the refusal of {@code call} with a {@code type} whose message starts with {@code start}: for
   * messages that go on with what was refused, or with the cause.
   *
   * @param call the call that must throw
   * @param type the type of exception it must throw
   * @param start the start of the exception's message
   * @return the refusal
   */
  public static Refusal startingWith(ThrowingCallable call, Class<? extends Throwable> type, String start) {
    return new Refusal(call, type, start, false);
  }

  /**
   * Makes the call and checks that it throws the exception and message this refusal says.
   *
   * @throws AssertionError when it throws nothing or something else
   */
  public void check() {
    if (whole) {
      assertThatThrownBy(call).isInstanceOf(type).hasMessage(message);
    } else {
      assertThatThrownBy(call).isInstanceOf(type).hasMessageStartingWith(message);
    }
  }
}
