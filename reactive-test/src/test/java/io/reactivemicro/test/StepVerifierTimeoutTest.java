package io.reactivemicro.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherSessionListener;

class StepVerifierTimeoutTest {

  @Test
  void isALauncherSessionListenerFoundByTheServiceLoader() {
    assertThat(ServiceLoader.load(LauncherSessionListener.class).stream().map(ServiceLoader.Provider::type))
        .contains(StepVerifierTimeout.class);
  }

  @Test
  void everyVerifyOfThisTestJvmHasTheDefaultTimeout() throws ReflectiveOperationException {
    // reactor-test keeps the default where its builder reads it, with no getter.
    Field timeout = Class.forName("reactor.test.DefaultStepVerifierBuilder").getDeclaredField("defaultVerifyTimeout");
    timeout.setAccessible(true);

    assertThat(timeout.get(null)).isEqualTo(StepVerifierTimeout.DEFAULT);
  }
}
