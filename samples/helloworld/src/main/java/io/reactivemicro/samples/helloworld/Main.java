package io.reactivemicro.samples.helloworld;

import io.reactivemicro.Service;

/**
 * Runs the helloworld service on {@code :8080}, or on the address given as the first argument, until
 * the JVM is asked to stop.
 */
public final class Main {

  private Main() {}

  /**
   * Starts the service.
   *
   * @param args an optional address, such as {@code :9090}
   */
  public static void main(String[] args) {
    String address = args.length > 0 ? args[0] : ":8080";
    Service.builder("helloworld")
        .address(address)
        .handler(new Helloworld())
        .build()
        .run();
  }
}
