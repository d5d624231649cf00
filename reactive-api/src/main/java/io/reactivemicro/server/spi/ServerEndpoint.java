package io.reactivemicro.server.spi;

import io.reactivemicro.codec.Codec;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.internal.reflect.EndpointSignature;
import io.reactivemicro.internal.reflect.TypeDescriber;
import io.reactivemicro.metadata.Metadata;
import io.reactivemicro.registry.EndpointInfo;
import io.reactivemicro.server.InteractionModel;
import io.reactivemicro.server.ServerCall;
import io.reactivemicro.server.ServerHandler;
import io.reactivemicro.server.ServerInterceptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * One endpoint of a server: a handler method found by reflection when the handler was registered, with
 * its interceptor chain already composed. Transports decode with {@link #codec(String)} and call the
 * method of the interaction model the caller asked for.
 *
 * <p>Every method here returns a publisher that runs the handler when subscribed, with the call's
 * {@link Metadata} in its Reactor context; a handler's unexpected exception becomes a 500 whose detail is
 * the exception's message, logged here with its stack trace and never sent.
 */
public final class ServerEndpoint {

  private static final Logger LOG = Loggers.getLogger(ServerEndpoint.class);

  private final Router router;
  private final EndpointSignature signature;
  private final EndpointInfo info;
  private final ServerHandler chain;
  /** Whether no interceptor wraps the handler, so a call can run it straight away. */
  private final boolean direct;
  private final MethodHandle handle;
  private final boolean noArgument;
  private final Map<String, EndpointCodec> codecs = new ConcurrentHashMap<>();

  ServerEndpoint(Router router, Object target, EndpointSignature signature, List<ServerInterceptor> interceptors) {
    this.router = router;
    this.signature = signature;
    this.info = describe(signature);
    MethodHandle handle = bind(target, signature);
    boolean noArgument = signature.method().getParameterCount() == 0;
    this.handle = handle;
    this.noArgument = noArgument;
    this.direct = interceptors.isEmpty();
    ServerHandler terminal = call -> invoke(handle, noArgument, call.request());
    ServerHandler composed = terminal;
    for (int i = interceptors.size() - 1; i >= 0; i--) {
      composed = interceptors.get(i).wrap(composed);
    }
    this.chain = composed;
    // Prepared here, on the thread that builds the server, not by the first call on an event loop:
    // preparing builds the codec's (de)serializers, and Jackson takes a lock to build and cache them.
    for (String contentType : router.codecs().contentTypes()) {
      try {
        codec(contentType);
      } catch (MicroException e) {
        // This codec cannot carry the endpoint's types; a call that uses it gets the 400 then.
      }
    }
  }

  /** Returns the endpoint name, such as {@code Helloworld.Greeting}. */
  public String name() {
    return signature.name();
  }

  /** Returns the interaction model of the handler method. */
  public InteractionModel model() {
    return signature.model();
  }

  /** Returns whether the endpoint is marked idempotent. */
  public boolean idempotent() {
    return signature.idempotent();
  }

  /** Returns the description of the endpoint that goes into the registry. */
  public EndpointInfo info() {
    return info;
  }

  /**
   * Returns the codec for a content type, prepared for this endpoint's types.
   *
   * @param contentType the request's content type
   * @return the codec
   * @throws MicroException a 400 that names the supported content types when there is no such codec
   */
  public EndpointCodec codec(String contentType) {
    EndpointCodec cached = codecs.get(contentType);
    if (cached != null) {
      return cached;
    }
    Codec codec = router.codecs().find(contentType);
    if (codec == null) {
      throw MicroException.badRequest(router.serviceName(), "unsupported content type '%s'; supported: %s",
          contentType, String.join(", ", router.codecs().contentTypes()));
    }
    EndpointCodec prepared;
    try {
      Type request = signature.requestType();
      Type response = signature.responseType();
      prepared = new EndpointCodec(name(), codec, request == null ? null : codec.decoder(request),
          response == Void.class ? null : codec.encoder(response));
    } catch (IllegalArgumentException e) {
      throw MicroException.badRequest(name(), "%s", e.getMessage());
    }
    // Bounded: one entry per supported content type, whatever callers send.
    codecs.putIfAbsent(contentType, prepared);
    return prepared;
  }

  /**
   * Serves a request-response call.
   *
   * @param request the decoded request
   * @param metadata the call's headers
   * @return a {@code Mono} of the response; empty for {@code Mono<Void>} handlers
   */
  public Mono<Object> requestResponse(@Nullable Object request, Metadata metadata) {
    if (model() != InteractionModel.REQUEST_RESPONSE) {
      return Mono.error(wrongModel("request-response"));
    }
    return new ServedMono(this, router, metadata, request);
  }

  /**
   * Runs a request-response call through the interceptors to the handler, when the call is
   * subscribed; without interceptors, the handler is called at once, and no {@link ServerCall} is made.
   */
  Publisher<?> handle(Metadata metadata, @Nullable Object request) {
    Publisher<?> result = direct ? call(handle, noArgument, request)
        : chain.handle(new ServerCall(this, metadata, request, false));
    if (result == null) {
      return Flux.error(new IllegalStateException("handler of " + name() + " returned null"));
    }
    return result;
  }

  /**
   * Serves a request-stream call; a request-response endpoint answers it with at most one element.
   *
   * @param request the decoded request
   * @param metadata the call's headers
   * @return a {@code Flux} of responses that honours the caller's demand; cancelling it cancels the handler
   */
  public Flux<Object> requestStream(@Nullable Object request, Metadata metadata) {
    if (model() == InteractionModel.REQUEST_CHANNEL) {
      return Flux.error(wrongModel("request-stream"));
    }
    return router.track(Flux.from(run(new ServerCall(this, metadata, request, false))));
  }

  /**
   * Serves a channel call.
   *
   * @param requests the decoded requests
   * @param metadata the call's headers
   * @return a {@code Flux} of responses
   */
  public Flux<Object> requestChannel(Flux<Object> requests, Metadata metadata) {
    if (model() != InteractionModel.REQUEST_CHANNEL) {
      return Flux.error(wrongModel("request-channel"));
    }
    return router.track(Flux.from(run(new ServerCall(this, metadata, requests, false))));
  }

  /**
   * Serves a fire-and-forget call: the handler runs and its responses are discarded.
   *
   * @param request the decoded request
   * @param metadata the call's headers
   * @return a {@code Mono} that completes when the handler has finished
   */
  public Mono<Void> fireAndForget(@Nullable Object request, Metadata metadata) {
    if (model() == InteractionModel.REQUEST_CHANNEL) {
      return Mono.error(wrongModel("fire-and-forget"));
    }
    return router.track(Flux.from(run(new ServerCall(this, metadata, request, true))).then());
  }

  private Publisher<?> run(ServerCall call) {
    Publisher<?> result;
    try {
      result = chain.handle(call);
    } catch (Throwable t) {
      result = Flux.error(t);
    }
    if (result == null) {
      result = Flux.error(new IllegalStateException("handler of " + name() + " returned null"));
    }
    if (result instanceof Mono<?> mono) {
      Mono<?> mapped = mono.onErrorMap(e -> !(e instanceof MicroException), this::unexpected);
      // Metadata.current() reads an absent entry as empty metadata, so empty metadata needs no context.
      return call.metadata().isEmpty() ? mapped : mapped.contextWrite(ctx -> ctx.put(Metadata.CONTEXT_KEY, call.metadata()));
    }
    Flux<?> mapped = Flux.from(result).onErrorMap(e -> !(e instanceof MicroException), this::unexpected);
    return call.metadata().isEmpty() ? mapped : mapped.contextWrite(ctx -> ctx.put(Metadata.CONTEXT_KEY, call.metadata()));
  }

  private Publisher<?> invoke(MethodHandle handle, boolean noArgument, @Nullable Object request) {
    if (model() == InteractionModel.REQUEST_RESPONSE) {
      // A Mono all the way, so a request-response call needs no Flux-to-Mono adaptation.
      return Mono.defer(() -> Mono.from(call(handle, noArgument, request)));
    }
    return Flux.defer(() -> call(handle, noArgument, request));
  }

  private Publisher<?> call(MethodHandle handle, boolean noArgument, @Nullable Object request) {
    try {
      Object result = noArgument ? (Object) handle.invokeExact() : (Object) handle.invokeExact(request);
      if (result == null) {
        return Flux.error(new IllegalStateException("handler of " + name() + " returned null"));
      }
      return (Publisher<?>) result;
    } catch (Throwable t) {
      return Flux.error(t);
    }
  }

  MicroException unexpected(Throwable error) {
    LOG.warn("handler of " + name() + " failed", error);
    String detail = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    return new MicroException(router.serviceName(), 500, detail);
  }

  private MicroException wrongModel(String asked) {
    return MicroException.badRequest(name(), "endpoint %s serves %s, not %s", name(),
        model().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), asked);
  }

  private static MethodHandle bind(Object target, EndpointSignature signature) {
    try {
      var method = signature.method();
      method.setAccessible(true);
      MethodHandle handle = MethodHandles.lookup().unreflect(method).bindTo(target);
      return signature.method().getParameterCount() == 0
          ? handle.asType(MethodType.methodType(Object.class))
          : handle.asType(MethodType.methodType(Object.class, Object.class));
    } catch (IllegalAccessException | RuntimeException e) {
      throw new IllegalArgumentException("cannot call " + signature.method() + ": " + e.getMessage(), e);
    }
  }

  private static EndpointInfo describe(EndpointSignature signature) {
    Map<String, String> metadata = new LinkedHashMap<>();
    switch (signature.model()) {
      case REQUEST_STREAM -> metadata.put("stream", "true");
      case REQUEST_CHANNEL -> metadata.put("stream", "bidirectional");
      default -> { }
    }
    if (signature.idempotent()) {
      metadata.put("idempotent", "true");
    }
    return new EndpointInfo(signature.name(), TypeDescriber.describe(signature.requestType()),
        TypeDescriber.describe(signature.responseType()), metadata);
  }
}
