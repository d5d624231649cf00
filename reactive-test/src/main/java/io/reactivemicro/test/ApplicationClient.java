package io.reactivemicro.test;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A client of a backend's server that the test creates as an application would (a Lettuce
 * {@code RedisClient}, a jnats {@code Connection}, a jetcd {@code Client}, an R2DBC pool) and hands to the
 * backend's builder. A contract suite builds two backends on it, uses them and closes them; then it checks
 * what they left with {@link #assertLeftOpen()} and uses a third backend built on the client, which must
 * work since closing a backend leaves the application's client open. {@link #close()} closes the client.
 *
 * <pre>{@code
 * @Override protected ApplicationClient<Sync> applicationClient() {
 *   RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
 *   return ApplicationClient.of(() -> RedisSync.builder(client).prefix(prefix).build(), client::shutdown);
 * }
 * }</pre>
 *
 * @param <B> the type of backend built on the client
 */
public interface ApplicationClient<B> {

  /**
   * Returns a new backend built on the client, in the namespace (key prefix, table, stream) the test's
   * other backends use or one of its own; the suite closes it.
   *
   * @return the backend
   */
  B newBackend();

  /**
   * Checks, once the first two backends built on the client are closed and before the third is built,
   * what they left: the client's state, what they wrote on the server.
   *
   * @throws Exception when the check cannot talk to the server
   */
  void assertLeftOpen() throws Exception;

  /**
   * Closes the client, as the application does after its last backend; called whether the test passed or
   * failed.
   *
   * @throws Exception when closing fails
   */
  void close() throws Exception;

  /**
   * Returns the application client made of these two steps, with nothing more to check than the suite
   * does.
   *
   * @param newBackend builds a backend on the client
   * @param close closes the client
   * @param <B> the type of backend
   * @return the application client
   */
  static <B> ApplicationClient<B> of(Supplier<? extends B> newBackend, Step close) {
    return of(newBackend, () -> { }, close);
  }

  /**
   * Returns the application client made of these three steps.
   *
   * @param newBackend builds a backend on the client
   * @param assertLeftOpen checks the client after the backends closed
   * @param close closes the client
   * @param <B> the type of backend
   * @return the application client
   */
  static <B> ApplicationClient<B> of(Supplier<? extends B> newBackend, Step assertLeftOpen, Step close) {
    Objects.requireNonNull(newBackend, "newBackend");
    Objects.requireNonNull(assertLeftOpen, "assertLeftOpen");
    Objects.requireNonNull(close, "close");
    return new ApplicationClient<>() {
      @Override
      public B newBackend() {
        return newBackend.get();
      }

      @Override
      public void assertLeftOpen() throws Exception {
        assertLeftOpen.run();
      }

      @Override
      public void close() throws Exception {
        close.run();
      }
    };
  }

  /** One step of an application client, which may throw what the client library throws. */
  @FunctionalInterface
  interface Step {

    /**
     * Runs the step.
     *
     * @throws Exception what the client library throws
     */
    void run() throws Exception;
  }
}
