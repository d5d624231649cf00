package io.reactivemicro.server.spi;

import io.reactivemicro.codec.Codecs;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.internal.reflect.EndpointSignature;
import io.reactivemicro.registry.EndpointInfo;
import io.reactivemicro.server.ServerInterceptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The endpoints of a server by name, which transports dispatch incoming calls to, and the count of
 * calls in flight that a graceful stop waits for.
 *
 * <pre>{@code
 * Router router = Router.builder("helloworld").handler(new Helloworld()).build();
 * ServerEndpoint endpoint = router.endpoint("Helloworld.Greeting");
 * }</pre>
 */
public final class Router {

  private final String serviceName;
  private final Codecs codecs;
  private final Map<String, ServerEndpoint> endpoints;
  private final List<EndpointInfo> infos;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Sinks.Empty<Void> drained = Sinks.empty();
  private volatile boolean draining;

  private Router(Builder builder) {
    this.serviceName = builder.serviceName;
    this.codecs = builder.codecs;
    Map<String, ServerEndpoint> map = new LinkedHashMap<>();
    for (Object handler : builder.handlers) {
      for (EndpointSignature signature : EndpointSignature.of(handler.getClass())) {
        ServerEndpoint endpoint = new ServerEndpoint(this, handler, signature, builder.interceptors);
        if (map.putIfAbsent(endpoint.name(), endpoint) != null) {
          throw new IllegalArgumentException("endpoint " + endpoint.name() + " is served by two handlers");
        }
      }
    }
    this.endpoints = Collections.unmodifiableMap(map);
    List<EndpointInfo> list = new ArrayList<>();
    map.values().forEach(e -> list.add(e.info()));
    this.infos = List.copyOf(list);
  }

  /**
   * Returns a builder for the router of a service.
   *
   * @param serviceName the service name, used as the id of errors the router reports
   * @return a builder
   */
  public static Builder builder(String serviceName) {
    return new Builder(serviceName);
  }

  /** Returns the service name. */
  public String serviceName() {
    return serviceName;
  }

  /** Returns the codecs the endpoints speak. */
  public Codecs codecs() {
    return codecs;
  }

  /**
   * Returns an endpoint by name, or {@code null}.
   *
   * @param name such as {@code Helloworld.Greeting}
   * @return the endpoint or {@code null}
   */
  public @Nullable ServerEndpoint endpoint(String name) {
    return endpoints.get(name);
  }

  /**
   * Returns an endpoint by name.
   *
   * @param name such as {@code Helloworld.Greeting}
   * @return the endpoint
   * @throws MicroException a 404 naming the endpoint when there is none
   */
  public ServerEndpoint require(String name) {
    ServerEndpoint endpoint = endpoints.get(name);
    if (endpoint == null) {
      throw MicroException.notFound(serviceName, "unknown endpoint '%s' on service %s", name, serviceName);
    }
    return endpoint;
  }

  /** Returns every endpoint. */
  public Collection<ServerEndpoint> endpoints() {
    return endpoints.values();
  }

  /** Returns the descriptions of every endpoint, for the registry. */
  public List<EndpointInfo> describe() {
    return infos;
  }

  /** Returns how many calls are being served now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Returns whether the router is draining: refusing new calls while those in flight finish. */
  public boolean draining() {
    return draining;
  }

  /**
   * Starts draining: new calls are refused with a 503, and the returned {@code Mono} completes when the
   * calls in flight have finished or {@code timeout} has passed, whichever comes first.
   *
   * @param timeout how long to wait for calls in flight
   * @return a {@code Mono} that completes when drained; it emits {@code true} when every call finished
   *     in time and {@code false} when the timeout passed first
   */
  public Mono<Boolean> drain(Duration timeout) {
    return Mono.defer(() -> {
      draining = true;
      if (inFlight.get() == 0) {
        drained.tryEmitEmpty();
      }
      return drained.asMono().thenReturn(true).timeout(timeout, Mono.just(false));
    });
  }

  <T> Mono<T> track(Mono<T> call) {
    return Mono.defer(() -> {
      // Counted before the check, so a drain that sees zero calls can never miss this one.
      inFlight.incrementAndGet();
      if (draining) {
        finished();
        return Mono.error(refused());
      }
      return call.doFinally(s -> finished());
    });
  }

  <T> Flux<T> track(Flux<T> call) {
    return Flux.defer(() -> {
      // Counted before the check, so a drain that sees zero calls can never miss this one.
      inFlight.incrementAndGet();
      if (draining) {
        finished();
        return Flux.error(refused());
      }
      return call.doFinally(s -> finished());
    });
  }

  /**
   * Counts a call in, unless the router is draining.
   *
   * @return whether the call may run; when not, it was not counted
   */
  boolean enter() {
    // Counted before the check, so a drain that sees zero calls can never miss this one.
    inFlight.incrementAndGet();
    if (draining) {
      finished();
      return false;
    }
    return true;
  }

  void finished() {
    if (inFlight.decrementAndGet() == 0 && draining) {
      drained.tryEmitEmpty();
    }
  }

  MicroException refused() {
    return MicroException.serviceUnavailable(serviceName, "service %s is shutting down", serviceName);
  }

  /** Builds a {@link Router}. */
  public static final class Builder {
    private final String serviceName;
    private final List<Object> handlers = new ArrayList<>();
    private final List<ServerInterceptor> interceptors = new ArrayList<>();
    private Codecs codecs = Codecs.defaults();

    private Builder(String serviceName) {
      this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
    }

    /**
     * Adds a handler: each of its public methods returning {@code Mono} or {@code Flux} becomes an
     * endpoint.
     *
     * @param handler the handler object
     * @return this builder
     */
    public Builder handler(Object handler) {
      handlers.add(Objects.requireNonNull(handler, "handler"));
      return this;
    }

    /**
     * Adds handlers.
     *
     * @param handlers handler objects
     * @return this builder
     */
    public Builder handlers(Collection<?> handlers) {
      handlers.forEach(this::handler);
      return this;
    }

    /**
     * Adds an interceptor; the first added is the outermost.
     *
     * @param interceptor the interceptor
     * @return this builder
     */
    public Builder interceptor(ServerInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Adds interceptors in order.
     *
     * @param interceptors the interceptors
     * @return this builder
     */
    public Builder interceptors(Collection<? extends ServerInterceptor> interceptors) {
      interceptors.forEach(this::interceptor);
      return this;
    }

    /**
     * Sets the codecs the endpoints speak; {@link Codecs#defaults()} when not set.
     *
     * @param codecs the codecs
     * @return this builder
     */
    public Builder codecs(Codecs codecs) {
      this.codecs = Objects.requireNonNull(codecs, "codecs");
      return this;
    }

    /**
     * Builds the router, reflecting on every handler once.
     *
     * @return the router
     * @throws IllegalArgumentException when a handler method has a shape that cannot be served
     */
    public Router build() {
      return new Router(this);
    }
  }
}
