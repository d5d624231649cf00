package io.reactivemicro.samples.pubsub;

import io.reactivemicro.client.Client;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/** The shop's handler: endpoint {@code Shop.Place} takes an order and publishes {@link OrderPlaced}. */
public final class Shop {

  /** The topic order events are published on. */
  public static final String TOPIC = "shop.orders";

  private final AtomicReference<Client> client = new AtomicReference<>();

  /** Gives the shop the client it publishes with, once its service is built. */
  public void publishWith(Client client) {
    this.client.set(Objects.requireNonNull(client, "client"));
  }

  /** Places an order: publishes the event (with the caller's metadata) and answers with a receipt. */
  public Mono<Receipt> place(Order order) {
    // ThreadLocalRandom: UUID.randomUUID() may block reading the system's entropy on an event loop.
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String id = new UUID(random.nextLong(), random.nextLong()).toString();
    return Mono.defer(() -> Objects.requireNonNull(client.get(), "publishWith was not called")
        .publish(TOPIC, new OrderPlaced(id, order.item(), order.cents())))
        .thenReturn(new Receipt(id));
  }
}
