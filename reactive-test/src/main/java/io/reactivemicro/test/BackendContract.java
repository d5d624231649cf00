package io.reactivemicro.test;

import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.reactivemicro.plugin.Settings;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * What every contract suite ({@code RegistryContract}, {@code BrokerContract}, {@code StreamContract},
 * {@code StoreContract}, {@code SyncContract}) asks of a backend besides its abstraction's behaviour: how it
 * is made. Each suite extends this class with its abstraction as {@code B} and tests, with the operations
 * of that abstraction, a backend made from settings, one pointed at a server that cannot be reached,
 * backends sharing one client per server, backends on a client of the application, and the builder's
 * refusals of bad arguments.
 *
 * <p>Each hook has a default that skips the tests needing it, reported as skipped with the reason: a
 * backend without a server has nothing to be unreachable, the in-memory backends' settings choose a
 * JVM-wide instance they test on their own, and so on. A backend overrides the hooks it can answer.
 *
 * <pre>{@code
 * class RedisSyncTest extends SyncContract {
 *   @Override protected Settings settingsChoosingThisBackend() {
 *     return Settings.empty().with("sync", "redis").with("sync_prefix", prefix);
 *   }
 *
 *   @Override protected String sharedClientKey() {
 *     return "lettuce redis://127.0.0.1:6379";
 *   }
 *
 *   @Override protected Sync unreachable() {
 *     return RedisSync.builder("127.0.0.1:1").build();
 *   }
 * }
 * }</pre>
 *
 * @param <B> the abstraction the backend implements, such as {@code Sync}
 */
public abstract class BackendContract<B> {

  /** For subclasses only. */
  protected BackendContract() {}

  /**
   * Returns settings that choose this backend, on the test's server and in the test's namespace (key
   * prefix, table, database) or, for backends that keep a place to one instance (a directory), in a place
   * of their own. {@code B.fromSettings} must make a backend of the class of those the suite tests, named as
   * the abstraction's setting ({@code sync}, {@code store}, ...) says where the abstraction has names, that
   * works end to end. {@code null}, the default, skips the tests of backends made from settings.
   *
   * @return the settings, or {@code null}
   */
  protected @Nullable Settings settingsChoosingThisBackend() {
    return null;
  }

  /**
   * Checks what only this backend shows of one that {@link #settingsChoosingThisBackend()} chose, once the
   * suite used it: the prefix, table, stream or file the settings named. The default checks nothing more
   * than the suite does.
   *
   * @param chosen the backend made from the settings
   */
  protected void assertChosen(B chosen) {}

  /**
   * Returns the key under which the backends {@link #settingsChoosingThisBackend()} makes share their client
   * in {@link io.reactivemicro.plugin.spi.SharedClients}: the kind of client and the server, such as
   * {@code "lettuce redis://127.0.0.1:6379"}, {@code "jnats [nats://127.0.0.1:4222]"} or
   * {@code "jetcd [http://127.0.0.1:2379]"}. {@code null}, the default, when they share none, which skips
   * the tests of sharing.
   *
   * @return the key, or {@code null}
   */
  protected @Nullable String sharedClientKey() {
    return null;
  }

  /**
   * Returns a new backend pointed at a server that cannot be reached ({@code 127.0.0.1:1}), with a short
   * timeout where its builder takes one. Making it must succeed; its first operation must fail with a
   * {@link io.reactivemicro.errors.MicroException} with code 503 within the suite's timeout. {@code null},
   * the default, skips that test, for backends without a server.
   *
   * @return the backend, or {@code null}
   */
  protected @Nullable B unreachable() {
    return null;
  }

  /**
   * Returns a client of the backend's server made as an application makes it, with backends built on it.
   * The suite uses two of them together, closes both, and then uses a third built on the client after
   * them, which must work: closing a backend leaves the application's client open. Its
   * {@link ApplicationClient#assertLeftOpen()} then checks what the backend says was left; the suite's test
   * says what it wrote. {@code null}, the default, skips that test, for backends that take no client.
   *
   * @return the application's client, or {@code null}
   * @throws Exception when the client library fails to make the client
   */
  protected @Nullable ApplicationClient<B> applicationClient() throws Exception {
    return null;
  }

  /**
   * Returns the calls the backend's builder must refuse, such as a null or blank address, with the
   * exception and message of each. Empty, the default, skips that test.
   *
   * @return the refusals
   */
  protected List<Refusal> builderRefusals() {
    return List.of();
  }

  @Test
  void builderRefusesBadArguments() {
    List<Refusal> refusals = builderRefusals();
    assumeFalse(refusals.isEmpty(), "the backend lists no refusals of its builder");
    refusals.forEach(Refusal::check);
  }

  /**
   * Returns {@link #settingsChoosingThisBackend()}, or skips the running test when there are none.
   *
   * @return the settings
   */
  protected final Settings settings() {
    return orSkip(settingsChoosingThisBackend(), "no settings choose this backend");
  }

  /**
   * Returns what a hook returned, or skips the running test, reported as skipped with {@code reason}, when
   * it returned {@code null}.
   *
   * @param value what the hook returned
   * @param reason why a backend gives none
   * @param <T> the type of what the hook returns
   * @return {@code value}
   */
  protected static <T> T orSkip(@Nullable T value, String reason) {
    assumeTrue(value != null, reason);
    return value;
  }
}
