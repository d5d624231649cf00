package io.reactivemicro.client;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.codec.Codecs;
import io.reactivemicro.codec.TypeRef;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.selector.Selector;
import io.reactivemicro.transport.spi.ClientTransport;
import io.reactivemicro.transport.TransportOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Calls services: request-response, request-stream, channel and fire-and-forget, by service name
 * through the registry and a selector, or to a fixed address; and typed proxies from Java interfaces.
 *
 * <p>Nothing happens until the returned publisher is subscribed. The headers in the subscriber's
 * {@code Context} ({@link io.reactivemicro.metadata.Metadata}) are sent with the call. A node that cannot
 * be reached is skipped for another before anything is sent; a call that may have reached a node is sent
 * again, to the next node, only when the endpoint is idempotent (by {@link RequestOptions#idempotent}, else
 * by its registration). The selector learns how each call to a node went, and avoids failing nodes for a
 * while. Errors arrive as {@link io.reactivemicro.errors.MicroException}.
 *
 * <pre>{@code
 * Client client = Client.builder().build();
 * Mono<Reply> reply = client.call("helloworld", "Helloworld.Greeting", new Request("alice"), Reply.class);
 *
 * Greeter greeter = client.proxy(Greeter.class, "helloworld");
 * greeter.greeting(new Request("bob")).subscribe(r -> System.out.println(r.message()));
 * }</pre>
 *
 * <h2>Threads and cancellation</h2>
 * Calling a method only assembles the call: nothing is sent until the {@code Mono} or {@code Flux} is
 * subscribed, and each subscription is a new call. No method blocks, and none may be called with
 * {@code block()} on a Netty or Reactor non-blocking thread. Answers, errors and completions arrive on
 * the thread of the node's connection (a Reactor Netty event loop), and a call's timeout fires on a
 * Reactor parallel thread; move work that blocks or takes long elsewhere
 * ({@code publishOn(Schedulers.boundedElastic())}). Demand is passed on to the server: a stream sends
 * only what was requested. Cancelling a call (disposing its subscription, {@code take}, {@code timeout},
 * a {@code Flux.zip} partner's end) sends a cancel frame: the handler's publisher is cancelled on the
 * server and nothing more arrives; a request already on the wire may still have run there.
 */
public interface Client {

  /** Returns a builder; every setting has a default. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Closes the client: its call timers, and the selector and transport it made for itself (not those it
   * was given). Calls in flight end with an error; calls made after it fail.
   *
   * @return a {@code Mono} that completes once the connections the client owned are closed
   */
  Mono<Void> close();

  /**
   * Calls a request-response endpoint.
   *
   * @param service the service name; may be empty when the options give an address
   * @param endpoint the endpoint, such as {@code Helloworld.Greeting}
   * @param request the request, or {@code null} for an endpoint that takes none
   * @param responseType the type of the response, generic types included
   * @param options per-call options
   * @param <T> the response type
   * @return a {@code Mono} of the response, empty when the endpoint returns none
   */
  <T> Mono<T> call(String service, String endpoint, @Nullable Object request, TypeRef<T> responseType,
      RequestOptions options);

  /** Calls a request-response endpoint with a response class. */
  default <T> Mono<T> call(String service, String endpoint, @Nullable Object request, Class<T> responseType,
      RequestOptions options) {
    return call(service, endpoint, request, TypeRef.of(responseType), options);
  }

  /** Calls a request-response endpoint with default options. */
  default <T> Mono<T> call(String service, String endpoint, @Nullable Object request, Class<T> responseType) {
    return call(service, endpoint, request, TypeRef.of(responseType), RequestOptions.defaults());
  }

  /** Calls a request-response endpoint with default options, for a generic response type. */
  default <T> Mono<T> call(String service, String endpoint, @Nullable Object request, TypeRef<T> responseType) {
    return call(service, endpoint, request, responseType, RequestOptions.defaults());
  }

  /**
   * Calls a request-stream endpoint.
   *
   * @param service the service name; may be empty when the options give an address
   * @param endpoint the endpoint, such as {@code Helloworld.Greeting}
   * @param request the request
   * @param responseType the type of the responses, generic types included
   * @param options per-call options
   * @param <T> the response type
   * @return a {@code Flux} of responses whose demand reaches the handler; cancelling it cancels the stream
   */
  <T> Flux<T> stream(String service, String endpoint, @Nullable Object request, TypeRef<T> responseType,
      RequestOptions options);

  /** Calls a request-stream endpoint with a response class. */
  default <T> Flux<T> stream(String service, String endpoint, @Nullable Object request, Class<T> responseType,
      RequestOptions options) {
    return stream(service, endpoint, request, TypeRef.of(responseType), options);
  }

  /** Calls a request-stream endpoint with default options. */
  default <T> Flux<T> stream(String service, String endpoint, @Nullable Object request, Class<T> responseType) {
    return stream(service, endpoint, request, TypeRef.of(responseType), RequestOptions.defaults());
  }

  /** Calls a request-stream endpoint with default options, for a generic response type. */
  default <T> Flux<T> stream(String service, String endpoint, @Nullable Object request, TypeRef<T> responseType) {
    return stream(service, endpoint, request, responseType, RequestOptions.defaults());
  }

  /**
   * Opens a channel: requests flow to the endpoint as it asks for them, responses flow back. A
   * {@code requests} publisher that completes empty opens no channel, and the result completes empty.
   *
   * @param service the service name; may be empty when the options give an address
   * @param endpoint the endpoint, such as {@code Helloworld.Greeting}
   * @param requests the requests
   * @param responseType the type of the responses, generic types included
   * @param options per-call options
   * @param <T> the response type
   * @return a {@code Flux} of responses
   */
  <T> Flux<T> channel(String service, String endpoint, Publisher<?> requests, TypeRef<T> responseType,
      RequestOptions options);

  /** Opens a channel with a response class. */
  default <T> Flux<T> channel(String service, String endpoint, Publisher<?> requests, Class<T> responseType,
      RequestOptions options) {
    return channel(service, endpoint, requests, TypeRef.of(responseType), options);
  }

  /** Opens a channel with default options. */
  default <T> Flux<T> channel(String service, String endpoint, Publisher<?> requests, Class<T> responseType) {
    return channel(service, endpoint, requests, TypeRef.of(responseType), RequestOptions.defaults());
  }

  /** Opens a channel with default options, for a generic response type. */
  default <T> Flux<T> channel(String service, String endpoint, Publisher<?> requests, TypeRef<T> responseType) {
    return channel(service, endpoint, requests, responseType, RequestOptions.defaults());
  }

  /**
   * Sends a request and expects no response.
   *
   * @param service the service name; may be empty when the options give an address
   * @param endpoint the endpoint
   * @param request the request
   * @param options per-call options
   * @return a {@code Mono} that completes once the request is sent
   */
  Mono<Void> fireAndForget(String service, String endpoint, @Nullable Object request, RequestOptions options);

  /** Sends a request and expects no response, with default options. */
  default Mono<Void> fireAndForget(String service, String endpoint, @Nullable Object request) {
    return fireAndForget(service, endpoint, request, RequestOptions.defaults());
  }

  /**
   * Publishes a message on a topic through the client's broker, encoded with the codec of the content
   * type ({@code application/json} unless the options say otherwise). The message carries the headers of
   * the subscriber's {@code Context} and of the options, {@code Content-Type} and {@code Micro-Topic}.
   *
   * @param topic the topic
   * @param message the message; a {@link io.reactivemicro.broker.Message} is published as it is, with
   *     the headers added
   * @param options the content type and headers; other options are ignored
   * @return a {@code Mono} that completes once the broker has taken the message; it fails with a
   *     {@link io.reactivemicro.errors.MicroException} {@code 400} when the message cannot be encoded; the
   *     default, for clients without a broker, fails with a {@code 501}
   */
  default Mono<Void> publish(String topic, Object message, RequestOptions options) {
    return Mono.error(io.reactivemicro.errors.MicroException.notImplemented("io.reactivemicro.client",
        "this client has no broker to publish with"));
  }

  /** Publishes a message on a topic as JSON, through the client's broker. */
  default Mono<Void> publish(String topic, Object message) {
    return publish(topic, message, RequestOptions.defaults());
  }

  /**
   * Returns a typed proxy of {@code api}, whose methods are named and shaped as handler methods are
   * ({@code Mono<R> m(Q)}, {@code Flux<R> m(Q)}, {@code Flux<R> m(Flux<Q>)}); reflection happens here,
   * once.
   *
   * @param api an interface
   * @param service the service the proxy calls; may be empty when the options give an address
   * @param options options for every call of the proxy
   * @param <T> the interface
   * @return the proxy
   * @throws IllegalArgumentException when {@code api} is not an interface or a method cannot be called
   */
  <T> T proxy(Class<T> api, String service, RequestOptions options);

  /** Returns a typed proxy with default options. */
  default <T> T proxy(Class<T> api, String service) {
    return proxy(api, service, RequestOptions.defaults());
  }

  /**
   * Returns a typed proxy that calls the node at the options' address, with no service name and no
   * registry lookup.
   *
   * @param api an interface
   * @param options options for every call of the proxy, with an {@link RequestOptions#withAddress address}
   * @param <T> the interface
   * @return the proxy
   * @throws IllegalArgumentException when the options give no address, or as {@link #proxy(Class, String, RequestOptions)}
   */
  default <T> T proxy(Class<T> api, RequestOptions options) {
    if (options.address() == null) {
      throw new IllegalArgumentException("a proxy without a service name needs an address: RequestOptions.withAddress(..)");
    }
    return proxy(api, "", options);
  }

  /** Builds the default {@link Client}. */
  final class Builder {
    @Nullable Registry registry;
    @Nullable Selector selector;
    @Nullable Broker broker;
    @Nullable ClientTransport transport;
    TransportOptions transportOptions = TransportOptions.defaults();
    Codecs codecs = Codecs.defaults();
    RequestOptions defaults = RequestOptions.defaults();
    final List<ClientInterceptor> interceptors = new ArrayList<>();
    String id = "io.reactivemicro.client";

    Builder() {}

    /** Sets the registry services are looked up in; the JVM-wide memory registry by default. */
    public Builder registry(Registry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Sets the broker {@link Client#publish} uses; the JVM-wide memory broker by default. */
    public Builder broker(Broker broker) {
      this.broker = Objects.requireNonNull(broker, "broker");
      return this;
    }

    /**
     * Sets the selector, which the caller closes; by default {@link Selector#random(Registry)} over the
     * registry, which the client then owns and closes with itself.
     */
    public Builder selector(Selector selector) {
      this.selector = Objects.requireNonNull(selector, "selector");
      return this;
    }

    /**
     * Sets the transport; by default one from the classpath's {@link io.reactivemicro.transport.spi.Transport},
     * which the client then owns and closes with itself.
     */
    public Builder transport(ClientTransport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** Sets the options of the transport the client creates. */
    public Builder transportOptions(TransportOptions options) {
      this.transportOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Sets the codecs; {@link Codecs#defaults()} by default. */
    public Builder codecs(Codecs codecs) {
      this.codecs = Objects.requireNonNull(codecs, "codecs");
      return this;
    }

    /**
     * Sets the defaults for what calls leave unset. Unset here too: 5 s timeout, JSON, 2 retries for
     * idempotent endpoints, 50 ms back-off.
     */
    public Builder defaults(RequestOptions defaults) {
      this.defaults = Objects.requireNonNull(defaults, "defaults");
      return this;
    }

    /** Adds an interceptor; the first added is the outermost. */
    public Builder interceptor(ClientInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** Adds interceptors in order. */
    public Builder interceptors(List<? extends ClientInterceptor> interceptors) {
      interceptors.forEach(this::interceptor);
      return this;
    }

    /** Sets the id errors raised by the client carry; {@code io.reactivemicro.client} by default. */
    public Builder id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    /** Builds the client. */
    public Client build() {
      RequestOptions builtIn = RequestOptions.defaults().withTimeout(Duration.ofSeconds(5)).withContentType("application/json")
          .withRetries(2).withBackoff(Duration.ofMillis(50));
      defaults = defaults.orElse(builtIn);
      return new DefaultClient(this);
    }
  }
}
