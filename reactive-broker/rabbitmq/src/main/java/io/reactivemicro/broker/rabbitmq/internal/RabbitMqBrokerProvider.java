package io.reactivemicro.broker.rabbitmq.internal;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.rabbitmq.RabbitMqBroker;
import io.reactivemicro.broker.spi.BrokerProvider;
import io.reactivemicro.plugin.Settings;
import java.util.List;

/**
 * Provides {@code rabbitmq} ({@code MICRO_BROKER=rabbitmq}): {@link RabbitMqBroker} on the nodes of
 * {@code MICRO_BROKER_ADDRESS} ({@code host:port} with guest/guest, or an {@code amqp://} URI),
 * {@code 127.0.0.1:5672} by default.
 */
public final class RabbitMqBrokerProvider implements BrokerProvider {

  @Override
  public String name() {
    return "rabbitmq";
  }

  @Override
  public Broker create(Settings settings) {
    List<String> addresses = settings.addresses("broker");
    return RabbitMqBroker.builder(addresses.isEmpty() ? List.of("127.0.0.1:5672") : addresses).build();
  }
}
