/** Publish/subscribe over a RabbitMQ topic exchange, with shared durable queues for queue groups (amqp-client). */
module io.reactivemicro.broker.rabbitmq {
  requires transitive io.reactivemicro.api;
  requires com.rabbitmq.client;

  exports io.reactivemicro.broker.rabbitmq;

  provides io.reactivemicro.broker.spi.BrokerProvider with
      io.reactivemicro.broker.rabbitmq.internal.RabbitMqBrokerProvider;
}
