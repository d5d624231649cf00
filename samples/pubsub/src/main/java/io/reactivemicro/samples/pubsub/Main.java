package io.reactivemicro.samples.pubsub;

import io.reactivemicro.Service;
import java.util.Arrays;

/**
 * Runs {@code shop} or {@code billing}, chosen by the first argument, until the JVM is asked to stop.
 * Go Micro's flags choose the registry and broker: {@code --broker=rsocket} (peer to peer through the
 * registry) with a registry every process sees, such as {@code --registry=etcd}; or {@code --broker=nats}.
 *
 * <pre>
 * java -cp ... io.reactivemicro.samples.pubsub.Main billing --registry=etcd --broker=rsocket
 * java -cp ... io.reactivemicro.samples.pubsub.Main shop --registry=etcd --broker=rsocket --server_address=:8080
 * curl -XPOST -H 'Micro-Endpoint: Shop.Place' -d '{"item":"book","cents":1200}' http://localhost:8080
 * </pre>
 */
public final class Main {

  private Main() {}

  /**
   * Starts a service.
   *
   * @param args {@code shop} or {@code billing}, then Go Micro flags
   */
  public static void main(String[] args) {
    String which = args.length > 0 ? args[0] : "";
    String[] flags = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
    switch (which) {
      case "shop" -> shop(Service.builder("shop").args(flags)).run();
      case "billing" -> billing(Service.builder("billing").args(flags), new Billing()).run();
      default -> throw new IllegalArgumentException("usage: Main shop|billing [--flags]");
    }
  }

  /** Builds the shop service: the {@link Shop} handler, publishing through the service's client. */
  public static Service shop(Service.Builder builder) {
    Shop shop = new Shop();
    Service service = builder.handler(shop).build();
    shop.publishWith(service.client());
    return service;
  }

  /** Builds a billing service: {@code billing} subscribes to the orders and serves {@code Billing.Total}. */
  public static Service billing(Service.Builder builder, Billing billing) {
    return builder.handler(billing).subscriber(billing.charger()).build();
  }
}
