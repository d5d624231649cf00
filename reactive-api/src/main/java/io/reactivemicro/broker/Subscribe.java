package io.reactivemicro.broker;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a subscriber object ({@code Service.builder(..).subscriber(object)}) that handles
 * the messages of a topic. The method returns {@code Mono<Void>} and takes the decoded message and,
 * optionally, a second parameter: the message's {@link io.reactivemicro.metadata.Metadata} or its
 * headers as a {@code Map<String, String>}. A parameter of type {@link Message} receives the raw
 * message. The body is decoded with the codec of its {@code Content-Type} header ({@code application/json}
 * when absent); the headers are also in the handler's Reactor {@code Context} as metadata, so the
 * handler's own calls pass them on.
 *
 * <p>The subscription starts with the service and stops when it stops, right after it deregisters; messages in flight finish
 * within the drain timeout. A message whose handler fails is logged and, on a broker with
 * acknowledgements, rejected: delivered once more, then dropped. A message that cannot be decoded is
 * logged and dropped.
 *
 * <pre>{@code
 * public class Billing {
 *   @Subscribe(topic = "orders", queue = "billing")
 *   public Mono<Void> onOrder(Order order, Metadata metadata) {
 *     return charge(order);
 *   }
 * }
 * Service.builder("billing").subscriber(new Billing()).build().run();
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Subscribe {

  /** Returns the topic. */
  String topic();

  /** Returns the queue group; empty (the default) to receive every message. */
  String queue() default "";

  /** Returns how many messages the method handles at once; 1 (in order) by default. */
  int concurrency() default 1;

  /** Returns the buffer size ({@link SubscribeOptions#bufferSize()}, the prefetch count on RabbitMQ). */
  int bufferSize() default 256;
}
