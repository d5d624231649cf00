package io.reactivemicro.test;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a leaked buffer during it (or, for a buffer collected late,
 * during an earlier class), with {@link NettyLeaks}. In a test JVM without Netty it does nothing.
 *
 * <p>Registered for every test class through {@code META-INF/services/org.junit.jupiter.api.extension.Extension},
 * which JUnit reads when {@code junit.jupiter.extensions.autodetection.enabled} is {@code true}: the build
 * sets it for every test JVM, so a module gets the check by having {@code reactive-test} on its test class
 * path. Elsewhere, set the property (in {@code junit-platform.properties}, say) or add
 * {@code @ExtendWith(LeakDetectionExtension.class)}.
 */
public final class LeakDetectionExtension implements AfterAllCallback {

  private static final boolean NETTY = nettyPresent();

  /**
   * Creates the extension and hooks the listener into Netty's leak detector, so that leaks of the first
   * test class are caught too; JUnit calls this once per test JVM.
   *
   * @throws ExtensionConfigurationException when Netty is present but its leak detector cannot report
   */
  public LeakDetectionExtension() {
    if (NETTY) {
      try {
        NettyLeaks.install();
      } catch (IllegalStateException e) {
        throw new ExtensionConfigurationException(e.getMessage(), e);
      }
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (NETTY) {
      NettyLeaks.assertNoLeaks(context.getDisplayName());
    }
  }

  private static boolean nettyPresent() {
    try {
      Class.forName("io.netty.buffer.ByteBuf", false, LeakDetectionExtension.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError absent) {
      return false;
    }
  }
}
