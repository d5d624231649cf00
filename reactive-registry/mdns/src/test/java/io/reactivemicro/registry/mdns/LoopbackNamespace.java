package io.reactivemicro.registry.mdns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;

/**
 * Checks that the test JVM runs in the private network namespace {@code src/test/netns/bin/java} makes, with
 * loopback as its only interface, so that no multicast can leave the machine. Fails, never skips.
 */
final class LoopbackNamespace {

  private LoopbackNamespace() {}

  static void check() throws SocketException {
    assertThat(System.getenv("REACTIVE_MICRO_NETNS"))
        .as("the test JVM must be started by src/test/netns/bin/java (surefire's jvm), in a loopback-only network"
            + " namespace, so that no multicast leaves the machine")
        .isEqualTo("loopback-only");
    List<NetworkInterface> interfaces = Collections.list(NetworkInterface.getNetworkInterfaces());
    assertThat(interfaces)
        .as("network interfaces of the test JVM's namespace")
        .extracting(NetworkInterface::getName)
        .containsExactly("lo");
    NetworkInterface lo = interfaces.get(0);
    assertThat(lo.isLoopback()).isTrue();
    assertThat(lo.isUp()).as("lo is up").isTrue();
    assertThat(lo.supportsMulticast()).as("lo carries multicast").isTrue();
  }
}
