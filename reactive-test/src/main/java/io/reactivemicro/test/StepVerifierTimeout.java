package io.reactivemicro.test;

import java.time.Duration;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import reactor.test.StepVerifier;

/**
 * Gives every {@code StepVerifier} of a test JVM a default timeout, so that a {@code verify()},
 * {@code verifyComplete()} or {@code verifyError()} without a duration fails after {@link #DEFAULT} with
 * what it was still expecting, where it would otherwise wait for ever and hang the build.
 *
 * <p>Registered through {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}: a
 * module whose tests have {@code reactive-test} on their class path gets it with nothing to configure. A
 * {@code verify(Duration)} with its own duration is unaffected. The JUnit Platform launcher that runs the
 * tests calls it; it is not meant to be called from tests.
 */
public final class StepVerifierTimeout implements LauncherSessionListener {

  /** The timeout of a {@code verify()} that gives none. */
  public static final Duration DEFAULT = Duration.ofSeconds(30);

  /** Creates the listener; {@link java.util.ServiceLoader} calls this. */
  public StepVerifierTimeout() {}

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    StepVerifier.setDefaultTimeout(DEFAULT);
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    StepVerifier.resetDefaultTimeout();
  }
}
