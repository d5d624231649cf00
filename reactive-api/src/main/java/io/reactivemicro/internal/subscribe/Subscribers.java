package io.reactivemicro.internal.subscribe;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.Delivery;
import io.reactivemicro.broker.Message;
import io.reactivemicro.broker.SubscribeOptions;
import io.reactivemicro.broker.Subscribe;
import io.reactivemicro.broker.spi.Topics;
import io.reactivemicro.codec.Codec;
import io.reactivemicro.codec.Codecs;
import io.reactivemicro.metadata.Metadata;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.retry.Retry;

/**
 * The {@link Subscribe} methods of a service's subscriber objects, reflected on once, and their
 * subscriptions: started with the service, stopped first when it stops, letting messages in flight
 * finish. Not API.
 */
public final class Subscribers {

  private static final Logger LOG = Loggers.getLogger(Subscribers.class);
  private static final String DEFAULT_CONTENT_TYPE = "application/json";

  private final String serviceName;
  private final Broker broker;
  private final Codecs codecs;
  private final List<SubscriberMethod> methods;
  private Sinks.Empty<Void> stopping = Sinks.empty();
  private final List<Mono<Void>> finished = new ArrayList<>();
  private final List<Disposable> running = new ArrayList<>();

  /**
   * Reflects on the subscriber objects.
   *
   * @param serviceName the service, for logs
   * @param broker the broker to subscribe with
   * @param codecs the codecs that decode messages
   * @param subscribers the objects with {@link Subscribe} methods
   * @throws IllegalArgumentException when an object has no such method or one has a shape that cannot be
   *     called
   */
  public Subscribers(String serviceName, Broker broker, Codecs codecs, List<?> subscribers) {
    this.serviceName = serviceName;
    this.broker = broker;
    this.codecs = codecs;
    List<SubscriberMethod> found = new ArrayList<>();
    for (Object subscriber : subscribers) {
      int before = found.size();
      for (Method method : subscriber.getClass().getMethods()) {
        Subscribe annotation = method.getAnnotation(Subscribe.class);
        if (annotation != null && !Modifier.isStatic(method.getModifiers())) {
          found.add(new SubscriberMethod(subscriber, method, annotation));
        }
      }
      if (found.size() == before) {
        throw new IllegalArgumentException(subscriber.getClass().getName() + " has no public @Subscribe method");
      }
    }
    this.methods = List.copyOf(found);
  }

  /** Returns whether there is no subscriber method. */
  public boolean isEmpty() {
    return methods.isEmpty();
  }

  /**
   * Subscribes every method.
   *
   * @return a {@code Mono} that completes once every subscription is active, or fails with the first
   *     that could not subscribe
   */
  public synchronized Mono<Void> start() {
    // A service may be started again after a stop.
    stopping = Sinks.empty();
    finished.clear();
    running.clear();
    Sinks.Empty<Void> stopSignal = stopping;
    List<Mono<Void>> actives = new ArrayList<>();
    for (SubscriberMethod method : methods) {
      Sinks.Empty<Void> active = Sinks.empty();
      Sinks.Empty<Void> done = Sinks.empty();
      AtomicBoolean activated = new AtomicBoolean();
      SubscribeOptions options = SubscribeOptions.defaults().withQueue(method.queue).withBufferSize(method.bufferSize)
          .withOnActive(() -> {
            activated.set(true);
            active.tryEmitEmpty();
          });
      Disposable subscription = Flux.defer(() -> broker.deliveries(method.topic, options))
          // Once subscribed, a lost connection is subscribed again; failing to subscribe at first fails start().
          .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30))
              .filter(e -> activated.get())
              .doBeforeRetry(signal -> LOG.warn("service {}: subscription to {} failed, subscribing again: {}",
                  serviceName, method.topic, signal.failure().toString())))
          .takeUntilOther(stopSignal.asMono())
          .flatMap(method::handle, method.concurrency)
          .subscribe(v -> { }, error -> {
            LOG.error("service {}: subscription to {} ended", serviceName, method.topic, error);
            active.tryEmitError(error);
            done.tryEmitEmpty();
          }, done::tryEmitEmpty);
      running.add(subscription);
      finished.add(done.asMono());
      actives.add(active.asMono());
    }
    return Mono.when(actives);
  }

  /**
   * Unsubscribes every method and waits for the messages in flight.
   *
   * @param drainTimeout how long messages in flight may take
   * @return a {@code Mono} that completes once they finished, or the timeout passed and they were cancelled
   */
  public synchronized Mono<Void> stop(Duration drainTimeout) {
    stopping.tryEmitEmpty();
    List<Mono<Void>> waiting = List.copyOf(finished);
    List<Disposable> subscriptions = List.copyOf(running);
    return Mono.when(waiting).timeout(drainTimeout, Mono.fromRunnable(() -> {
      LOG.warn("service {}: messages still being handled after the {} ms drain timeout; cancelling them",
          serviceName, drainTimeout.toMillis());
      subscriptions.forEach(Disposable::dispose);
    }));
  }

  /** One {@link Subscribe} method. */
  private final class SubscriberMethod {
    final String topic;
    final @Nullable String queue;
    final int concurrency;
    final int bufferSize;
    final String label;
    final MethodHandle handle;
    final Type messageType;
    final @Nullable Class<?> extra;
    final Map<String, Codec.Decoder> decoders = new ConcurrentHashMap<>();

    SubscriberMethod(Object target, Method method, Subscribe annotation) {
      this.label = method.getDeclaringClass().getSimpleName() + "." + method.getName();
      this.topic = Topics.check(serviceName, annotation.topic());
      this.queue = annotation.queue().isEmpty() ? null : annotation.queue();
      if (annotation.concurrency() < 1 || annotation.bufferSize() < 1) {
        throw new IllegalArgumentException(label + ": concurrency and bufferSize must be at least 1");
      }
      this.concurrency = annotation.concurrency();
      this.bufferSize = annotation.bufferSize();
      Type returned = method.getGenericReturnType();
      if (!(returned instanceof ParameterizedType p && p.getRawType() == Mono.class)) {
        throw new IllegalArgumentException(label + ": a @Subscribe method returns Mono<Void>");
      }
      int count = method.getParameterCount();
      if (count < 1 || count > 2) {
        throw new IllegalArgumentException(label + ": a @Subscribe method takes the message and, optionally, "
            + "its Metadata or headers (Map<String, String>)");
      }
      this.messageType = method.getGenericParameterTypes()[0];
      this.extra = count == 2 ? method.getParameterTypes()[1] : null;
      if (extra != null && extra != Metadata.class && extra != Map.class) {
        throw new IllegalArgumentException(label + ": the second parameter is Metadata or Map<String, String>");
      }
      try {
        method.setAccessible(true);
        MethodHandle bound = MethodHandles.lookup().unreflect(method).bindTo(target);
        this.handle = count == 1
            ? bound.asType(MethodType.methodType(Object.class, Object.class))
            : bound.asType(MethodType.methodType(Object.class, Object.class, Object.class));
      } catch (IllegalAccessException | RuntimeException e) {
        throw new IllegalArgumentException(label + ": cannot be called: " + e.getMessage(), e);
      }
    }

    Mono<Void> handle(Delivery delivery) {
      Message message = delivery.message();
      Object value;
      try {
        value = decode(message);
      } catch (RuntimeException e) {
        LOG.warn("service {}: dropping a message of topic {} that {} cannot decode: {}", serviceName, topic,
            label, e.toString());
        return delivery.nack(false).onErrorResume(ignored -> Mono.empty());
      }
      Metadata metadata = Metadata.of(message.headers());
      return Mono.defer(() -> invoke(value, metadata, message.headers()))
          .contextWrite(Metadata.append(metadata))
          .then(Mono.just(true))
          .onErrorResume(e -> {
            LOG.warn("service {}: {} failed on a message of topic {}{}", serviceName, label, topic,
                delivery.redelivered() ? " delivered before; dropping it" : "", e);
            return Mono.just(false);
          })
          .flatMap(ok -> ok ? delivery.ack() : delivery.nack(!delivery.redelivered()))
          .onErrorResume(e -> {
            LOG.warn("service {}: acknowledging a message of topic {} failed: {}", serviceName, topic, e.toString());
            return Mono.empty();
          });
    }

    @SuppressWarnings("unchecked")
    private Mono<Void> invoke(@Nullable Object value, Metadata metadata, Map<String, String> headers) {
      Object result;
      try {
        result = extra == null ? (Object) handle.invokeExact(value)
            : (Object) handle.invokeExact(value, extra == Metadata.class ? (Object) metadata : (Object) headers);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
      return result == null ? Mono.error(new IllegalStateException(label + " returned null")) : (Mono<Void>) result;
    }

    private @Nullable Object decode(Message message) {
      if (messageType == Message.class) {
        return message;
      }
      String contentType = message.header("Content-Type");
      String type = contentType == null ? DEFAULT_CONTENT_TYPE : contentType;
      Codec.Decoder decoder = decoders.computeIfAbsent(type, t -> codecs.get(t).decoder(messageType));
      return decoder.decode(ByteBuffer.wrap(message.body()));
    }
  }
}
