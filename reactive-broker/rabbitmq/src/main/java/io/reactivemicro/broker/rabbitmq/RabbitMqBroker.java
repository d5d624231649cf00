package io.reactivemicro.broker.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.Delivery;
import io.reactivemicro.broker.Message;
import io.reactivemicro.broker.SubscribeOptions;
import io.reactivemicro.broker.spi.Topics;
import io.reactivemicro.errors.MicroException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * A broker over RabbitMQ: messages are published on a durable topic exchange ({@code micro} by default)
 * with the topic as routing key, and the headers as AMQP headers. A subscriber without a queue consumes
 * from an exclusive, auto-deleted queue of its own; subscribers with a queue name share the durable queue
 * {@code <queue>@<topic>}, so the queue keeps messages while no member is connected, and the same queue
 * name on two topics makes two queues. A routing key's dots and a subscription's {@code *} and {@code #}
 * follow RabbitMQ's topic matching.
 *
 * <p>Demand is honoured: a subscription has at most {@link SubscribeOptions#bufferSize()} unacknowledged
 * messages (its prefetch count), so a slow subscriber leaves the rest in RabbitMQ; the overflow policy
 * never applies. {@link #subscribe} acknowledges a message once it is handed to the subscriber (at most
 * once); {@link #deliveries} leaves acknowledging to the subscriber (at least once), and messages not
 * acknowledged when the subscription ends are delivered again. Publishing waits for the publisher
 * confirm, so a completed publish was taken by RabbitMQ. A lost connection ends the subscriptions with
 * a {@code 503} (a service subscribes again); the next operation connects again. amqp-client is blocking: every channel
 * operation runs on {@link Schedulers#boundedElastic()}; messages arrive on amqp-client's consumer threads.
 *
 * <pre>{@code
 * Broker broker = RabbitMqBroker.builder(List.of("127.0.0.1:5672")).build();
 * broker.subscribe("orders", SubscribeOptions.defaults().withQueue("billing")).subscribe(...);
 * }</pre>
 */
public final class RabbitMqBroker implements Broker {

  private static final String ID = "io.reactivemicro.broker.rabbitmq";
  private static final Logger LOG = Loggers.getLogger(RabbitMqBroker.class);
  private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

  private final ConnectionFactory factory;
  private final List<Address> addresses;
  private final String exchange;
  private final AtomicReference<@Nullable Connection> opened = new AtomicReference<>();
  private final Mono<Connection> connection;
  private final Object publishLock = new Object();
  private @Nullable Channel publishChannel;
  private volatile boolean closed;

  private RabbitMqBroker(ConnectionFactory factory, List<Address> addresses, String exchange) {
    this.factory = factory;
    this.addresses = List.copyOf(addresses);
    this.exchange = exchange;
    // amqp-client's automatic recovery is off: it would bring consumers back on channels whose
    // subscriptions already failed. A lost connection fails the subscriptions instead (services subscribe
    // again), and the next operation connects again.
    factory.setAutomaticRecoveryEnabled(false);
    this.connection = Mono.fromCallable(this::connection).subscribeOn(Schedulers.boundedElastic());
  }

  /**
   * Returns a builder of a broker on the RabbitMQ nodes at {@code addresses}, tried in order, on the
   * exchange {@code micro}. Like every NATS, etcd and RabbitMQ backend, it takes a list of addresses: the
   * nodes of one cluster.
   *
   * <p>The broker makes and closes its own connection, and there is no builder taking an application's
   * {@code com.rabbitmq.client.Connection}: the broker turns amqp-client's automatic recovery off and
   * connects again itself when its connection is lost, failing the subscriptions of the lost one, and a
   * shared connection could neither be recovered that way nor left to recover on its own without bringing
   * consumers back on channels whose subscriptions already ended. Credentials, virtual host and TLS come
   * from {@link Builder#connectionFactory}.
   *
   * @param addresses {@code host:port} (guest/guest unless the connection factory says otherwise) or
   *     {@code amqp://user:pass@host:port/vhost} URIs ({@code amqps://} for TLS), at least one
   * @return the builder
   * @throws NullPointerException when the list or an address is null
   * @throws IllegalArgumentException when the list is empty or an address is blank or malformed
   */
  public static Builder builder(List<String> addresses) {
    Objects.requireNonNull(addresses, "addresses");
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("at least one RabbitMQ address is needed");
    }
    List<String> checked = new ArrayList<>();
    for (String address : addresses) {
      String trimmed = Objects.requireNonNull(address, "address").trim();
      if (trimmed.isEmpty()) {
        throw new IllegalArgumentException("a RabbitMQ address must not be blank: " + addresses);
      }
      // Parsed now for the error, and again on build() into the connection factory.
      node(new ConnectionFactory(), trimmed);
      checked.add(trimmed);
    }
    return new Builder(checked);
  }

  /**
   * Returns the node an address names; a URI also sets the factory's credentials, virtual host and TLS.
   *
   * @throws IllegalArgumentException when the address is malformed
   */
  private static Address node(ConnectionFactory factory, String address) {
    if (address.startsWith("amqp://") || address.startsWith("amqps://")) {
      try {
        factory.setUri(address);
      } catch (Exception e) {
        throw new IllegalArgumentException("invalid RabbitMQ URI " + address + ": " + e.getMessage(), e);
      }
      return new Address(factory.getHost(), factory.getPort());
    }
    try {
      return Address.parseAddress(address);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid RabbitMQ address " + address + ": " + e.getMessage(), e);
    }
  }

  /** Returns the open connection, connecting when there is none; blocking, so on boundedElastic. */
  private synchronized Connection connection() {
    if (closed) {
      throw MicroException.serviceUnavailable(ID, "the RabbitMQ broker is closed");
    }
    Connection current = opened.get();
    if (current != null && current.isOpen()) {
      return current;
    }
    try {
      Connection c = factory.newConnection(addresses, "reactive-micro-broker");
      opened.set(c);
      return c;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new MicroException(ID, 503, "cannot connect to RabbitMQ " + addresses + ": " + e, "Service Unavailable", e);
    }
  }

  @Override
  public String name() {
    return "rabbitmq";
  }

  @Override
  public Mono<Void> publish(String topic, Message message) {
    return Mono.defer(() -> {
      Topics.check(ID, topic);
      AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
          .headers(new LinkedHashMap<>(message.headers()))
          .deliveryMode(2)
          .build();
      return connection.doOnNext(c -> {
        synchronized (publishLock) {
          try {
            Channel channel = publishChannel;
            if (channel == null || !channel.isOpen()) {
              channel = c.createChannel();
              channel.exchangeDeclare(exchange, "topic", true);
              channel.confirmSelect();
              publishChannel = channel;
            }
            channel.basicPublish(exchange, topic, properties, message.body());
            channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT.toMillis());
          } catch (Exception e) {
            if (e instanceof InterruptedException) {
              Thread.currentThread().interrupt();
            }
            throw new MicroException(ID, 503, "publishing to " + topic + " failed: " + e, "Service Unavailable", e);
          }
        }
      }).then();
    });
  }

  @Override
  public Flux<Message> subscribe(String topic, SubscribeOptions options) {
    // Acknowledged once handed to the subscriber: the prefetch count still bounds what is held.
    return deliveries(topic, options).handle((delivery, sink) -> {
      sink.next(delivery.message());
      delivery.ack().subscribe(v -> { }, e -> LOG.debug("acknowledging a message of {} failed: {}", topic, e.toString()));
    });
  }

  @Override
  public Flux<Delivery> deliveries(String topic, SubscribeOptions options) {
    return Flux.defer(() -> {
      Topics.check(ID, topic);
      return connection.flatMapMany(c -> Flux.<Delivery>create(sink -> {
        Channel channel = null;
        try {
          channel = c.createChannel();
          Channel ch = channel;
          ch.basicQos(options.bufferSize());
          ch.exchangeDeclare(exchange, "topic", true);
          String queue = options.queue() == null
              ? ch.queueDeclare().getQueue()
              : ch.queueDeclare(queueName(topic, options.queue()), true, false, false, null).getQueue();
          ch.queueBind(queue, exchange, topic);
          String tag = ch.basicConsume(queue, false, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
                byte[] body) {
              sink.next(new RabbitDelivery(ch, envelope.getDeliveryTag(), envelope.isRedeliver(),
                  new Message(headers(properties), body)));
            }

            @Override
            public void handleCancel(String consumerTag) {
              sink.error(MicroException.serviceUnavailable(ID, "RabbitMQ cancelled the subscription to %s "
                  + "(its queue %s was deleted?)", topic, queue));
            }

            @Override
            public void handleShutdownSignal(String consumerTag, ShutdownSignalException signal) {
              if (signal.isInitiatedByApplication()) {
                sink.complete();
              } else {
                sink.error(new MicroException(ID, 503, "the RabbitMQ channel of " + topic + " closed: "
                    + signal.getMessage(), "Service Unavailable", signal));
              }
            }
          });
          sink.onDispose(() -> Schedulers.boundedElastic().schedule(() -> {
            try {
              if (ch.isOpen()) {
                ch.basicCancel(tag);
                ch.close();
              }
            } catch (Exception e) {
              LOG.debug("closing the channel of a subscription to {} failed: {}", topic, e.toString());
            }
          }));
          options.onActive().run();
        } catch (IOException | RuntimeException e) {
          if (channel != null) {
            try {
              channel.abort();
            } catch (IOException ignored) {
              // the channel is being discarded anyway
            }
          }
          sink.error(new MicroException(ID, 503, "subscribing to " + topic + " failed: " + e, "Service Unavailable",
              e));
        }
      }, FluxSink.OverflowStrategy.BUFFER));
    });
  }

  /** Returns the durable queue that subscribers of {@code topic} with queue name {@code queue} share. */
  public static String queueName(String topic, String queue) {
    return queue + "@" + topic;
  }

  private static Map<String, String> headers(AMQP.BasicProperties properties) {
    Map<String, String> headers = new LinkedHashMap<>();
    Map<String, Object> received = properties.getHeaders();
    if (received != null) {
      received.forEach((key, value) -> headers.put(key, value == null ? "" : value.toString()));
    }
    return headers;
  }

  /**
   * Closes the broker's connection, on {@link Schedulers#boundedElastic()}; open subscriptions end and their
   * unacknowledged messages are delivered again to others.
   *
   * @return a {@code Mono} that completes once closed
   */
  @Override
  public Mono<Void> close() {
    return Mono.<Void>fromRunnable(() -> {
      synchronized (this) {
        closed = true;
      }
      Connection c = opened.getAndSet(null);
      if (c != null && c.isOpen()) {
        try {
          c.close();
        } catch (IOException | RuntimeException e) {
          LOG.debug("closing the RabbitMQ connection failed: {}", e.toString());
        }
      }
    }).subscribeOn(Schedulers.boundedElastic());
  }

  /** Builds a {@link RabbitMqBroker}. */
  public static final class Builder {
    private final List<String> addresses;
    private ConnectionFactory connectionFactory = new ConnectionFactory();
    private String exchange = "micro";

    private Builder(List<String> addresses) {
      this.addresses = List.copyOf(addresses);
      connectionFactory.setConnectionTimeout(5000);
    }

    /**
     * Sets the amqp-client settings to connect with: credentials, virtual host, TLS, timeouts. The broker
     * connects with a copy, so later changes to {@code factory} do not reach it; its automatic recovery is
     * turned off in the copy, and its host and port are those of the addresses. A URI address overrides the
     * credentials, virtual host and TLS it names. By default guest/guest on {@code /} with a 5 s connection
     * timeout.
     *
     * @param factory the settings
     * @return this builder
     */
    public Builder connectionFactory(ConnectionFactory factory) {
      this.connectionFactory = Objects.requireNonNull(factory, "factory").clone();
      return this;
    }

    /**
     * Sets the durable topic exchange messages are published on; {@code micro} by default.
     *
     * @param exchange the exchange name, not blank
     * @return this builder
     */
    public Builder exchange(String exchange) {
      if (Objects.requireNonNull(exchange, "exchange").isBlank()) {
        throw new IllegalArgumentException("the exchange name must not be blank");
      }
      this.exchange = exchange;
      return this;
    }

    /**
     * Returns the broker; nothing connects before the first publish or subscription.
     *
     * @return the broker
     */
    public RabbitMqBroker build() {
      ConnectionFactory factory = connectionFactory.clone();
      List<Address> nodes = new ArrayList<>();
      for (String address : addresses) {
        nodes.add(node(factory, address));
      }
      return new RabbitMqBroker(factory, nodes, exchange);
    }
  }

  /** A message with its delivery tag, acknowledged on its channel. */
  private record RabbitDelivery(Channel channel, long tag, boolean redelivered, Message message) implements Delivery {

    @Override
    public Mono<Void> ack() {
      return Mono.<Void>fromCallable(() -> {
        channel.basicAck(tag, false);
        return null;
      }).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Mono<Void> nack(boolean requeue) {
      return Mono.<Void>fromCallable(() -> {
        channel.basicNack(tag, false, requeue);
        return null;
      }).subscribeOn(Schedulers.boundedElastic());
    }
  }
}
