/** The RabbitMQ broker: a topic exchange, with shared durable queues for queue groups, through amqp-client. */
@NullMarked
package io.reactivemicro.broker.rabbitmq;

import org.jspecify.annotations.NullMarked;
