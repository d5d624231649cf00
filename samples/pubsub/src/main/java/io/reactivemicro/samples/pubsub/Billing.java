package io.reactivemicro.samples.pubsub;

import io.reactivemicro.broker.Subscribe;
import io.reactivemicro.metadata.Metadata;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The billing service's handler: answers {@code Billing.Total} with what this instance charged. Its
 * {@link Charger} subscribes to the orders.
 */
public final class Billing {

  private static final Logger LOG = Loggers.getLogger(Billing.class);

  private final AtomicLong orders = new AtomicLong();
  private final AtomicLong cents = new AtomicLong();

  /** Returns what this instance charged so far. */
  public Mono<Total> total() {
    return Mono.fromSupplier(() -> new Total(orders.get(), cents.get()));
  }

  /** Returns the subscriber that charges the orders of this billing instance. */
  public Charger charger() {
    return new Charger();
  }

  /**
   * Charges every order once, however many billing instances run: they share the queue group
   * {@code billing}.
   */
  public final class Charger {

    private Charger() {}

    /** Charges an order; the publisher's metadata, such as {@code X-Request-Id}, arrives with it. */
    @Subscribe(topic = Shop.TOPIC, queue = "billing")
    public Mono<Void> charge(OrderPlaced order, Metadata metadata) {
      return Mono.fromRunnable(() -> {
        orders.incrementAndGet();
        cents.addAndGet(order.cents());
        LOG.info("charged {} cents for order {} (request {})", order.cents(), order.orderId(),
            metadata.get("X-Request-Id"));
      });
    }
  }
}
