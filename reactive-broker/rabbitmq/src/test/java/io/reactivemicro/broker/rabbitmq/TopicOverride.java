package io.reactivemicro.broker.rabbitmq;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.Delivery;
import io.reactivemicro.broker.Message;
import io.reactivemicro.broker.SubscribeOptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Subscribes to one fixed topic whatever topic is asked for, so tests can use random topic names. */
final class TopicOverride implements Broker {

  private final Broker delegate;
  private final String topic;

  TopicOverride(Broker delegate, String topic) {
    this.delegate = delegate;
    this.topic = topic;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public Mono<Void> publish(String ignored, Message message) {
    return delegate.publish(topic, message);
  }

  @Override
  public Flux<Message> subscribe(String ignored, SubscribeOptions options) {
    return delegate.subscribe(topic, options);
  }

  @Override
  public Flux<Delivery> deliveries(String ignored, SubscribeOptions options) {
    return delegate.deliveries(topic, options);
  }
}
