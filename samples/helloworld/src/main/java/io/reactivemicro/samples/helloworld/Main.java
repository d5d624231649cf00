package io.reactivemicro.samples.helloworld;

import io.reactivemicro.Service;
import io.reactivemicro.plugin.Settings;
import org.jspecify.annotations.Nullable;

/**
 * Runs the helloworld service until the JVM is asked to stop. It listens on {@code :8080}, on the address
 * given as the first plain argument, or on {@code --server_address}; Go Micro's other flags and
 * {@code MICRO_*} variables choose the rest, such as {@code --registry=mdns} to be found on the local
 * network with no registry server.
 */
public final class Main {

  private Main() {}

  /**
   * Starts the service.
   *
   * @param args an optional address, such as {@code :9090}, and flags such as {@code --registry=mdns}
   *     {@code --server_address=:9090}
   */
  public static void main(String[] args) {
    String address = address(args);
    Service.builder("helloworld")
        .args(args)
        .address(address != null ? address : Settings.fromEnvironment(args).get("server_address").orElse(":8080"))
        .handler(new Helloworld())
        .build()
        .run();
  }

  /** Returns the first argument that is neither a flag nor a flag's value, or {@code null}. */
  static @Nullable String address(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("-")) {
        return arg;
      }
      if (arg.startsWith("--") && arg.indexOf('=') < 0 && i + 1 < args.length && !args[i + 1].startsWith("-")) {
        i++;
      }
    }
    return null;
  }
}
