package io.reactivemicro.samples.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.Service;
import io.reactivemicro.broker.rsocket.RSocketBroker;
import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.client.Client;
import io.reactivemicro.metadata.Metadata;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.test.Await;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A shop and two billing instances, each with its own RSocket broker peer, sharing one registry. */
class PubSubTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final Registry registry = Registry.memory();
  private final List<Service> services = new java.util.ArrayList<>();

  private Service.Builder builder(String name) {
    return Service.builder(name).settings(Settings.empty()).address("127.0.0.1:0").registry(registry)
        .broker(RSocketBroker.builder(registry).address("127.0.0.1:0").build()).drainTimeout(Duration.ofSeconds(2));
  }

  private Service started(Service service) {
    service.start().block(TIMEOUT);
    services.add(service);
    return service;
  }

  @AfterEach
  void stop() {
    Flux.fromIterable(services).concatMap(service -> service.stop().then(service.broker().close())).blockLast(TIMEOUT);
  }

  @Test
  void everyOrderIsChargedOnceByTheBillingQueueGroup() {
    Billing first = new Billing();
    Billing second = new Billing();
    Service billing1 = started(Main.billing(builder("billing"), first));
    Service billing2 = started(Main.billing(builder("billing"), second));
    Service shop = started(Main.shop(builder("shop")));
    assertThat(billing1.broker()).isNotSameAs(billing2.broker());

    Client client = shop.client();
    Flux.range(1, 10)
        .concatMap(i -> client.call("shop", "Shop.Place", new Order("item-" + i, i * 100L), Receipt.class,
            RequestOptions.defaults().withMetadata(Metadata.of("X-Request-Id", "r" + i))))
        .then().block(TIMEOUT);

    long expectedCents = 100L * (10 * 11 / 2);
    Await.value("the ten orders are billed", TIMEOUT, () -> Mono.zip(first.total(), second.total()).block(TIMEOUT),
        totals -> totals.getT1().orders() + totals.getT2().orders() == 10);
    Total a = first.total().block(TIMEOUT);
    Total b = second.total().block(TIMEOUT);
    assertThat(a.cents() + b.cents()).isEqualTo(expectedCents);
    assertThat(a.orders()).isPositive();
    assertThat(b.orders()).isPositive();

    // Billing.Total over RPC, from any instance the selector picks.
    Total viaRpc = client.call("billing", "Billing.Total", null, Total.class).block(TIMEOUT);
    assertThat(viaRpc.orders()).isIn(a.orders(), b.orders());
  }

  @Test
  void aStoppedBillingInstanceLeavesTheOrdersToTheOtherOne() {
    Billing first = new Billing();
    Billing second = new Billing();
    Service billing1 = started(Main.billing(builder("billing"), first));
    started(Main.billing(builder("billing"), second));
    Service shop = started(Main.shop(builder("shop")));

    billing1.stop().block(TIMEOUT);
    services.remove(billing1);
    billing1.broker().close().block(TIMEOUT);
    Flux.range(1, 5)
        .concatMap(i -> shop.client().call("shop", "Shop.Place", new Order("late", 1), Receipt.class))
        .then().block(TIMEOUT);
    Await.value("the other instance bills the five orders", TIMEOUT, () -> second.total().block(TIMEOUT),
        total -> total.orders() == 5);
    assertThat(first.total().block(TIMEOUT).orders()).isZero();
  }
}
