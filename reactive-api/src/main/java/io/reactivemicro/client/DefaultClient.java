package io.reactivemicro.client;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.Message;
import io.reactivemicro.codec.Codec;
import io.reactivemicro.codec.CodecException;
import io.reactivemicro.codec.Codecs;
import io.reactivemicro.codec.TypeRef;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.metadata.Metadata;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.selector.Next;
import io.reactivemicro.selector.Selector;
import io.reactivemicro.server.InteractionModel;
import io.reactivemicro.transport.spi.ClientTransport;
import io.reactivemicro.transport.ConnectionFailedException;
import io.reactivemicro.transport.spi.OutboundRequest;
import io.reactivemicro.transport.spi.Transport;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;

/** The default client: interceptors, node selection, failover and retries over a client transport. */
final class DefaultClient implements Client {

  /** Options a call was made with and what they are with the client's defaults filled in. */
  private record Merged(RequestOptions given, RequestOptions merged) {}

  /** A fixed address, as a node and a selection of that one node. */
  private record Fixed(String address, Node node, Next next) {}

  private final String id;
  private final Selector selector;
  private final ClientTransport transport;
  private final boolean ownsTransport;
  private final boolean ownsSelector;
  private final Codecs codecs;
  private final RequestOptions defaults;
  private final ClientHandler chain;
  /** The timers of this client's request-response attempts. */
  private final TimeoutMono.Timers timers = new TimeoutMono.Timers();
  // By type, then by content type: looked up on every call without building a key.
  private final Map<Type, Map<String, Codec.Encoder>> encoders = new ConcurrentHashMap<>();
  private final Map<Type, Map<String, Codec.Decoder>> decoders = new ConcurrentHashMap<>();
  private final Broker broker;
  /** The defaults as a call without options of its own sees them. */
  private final RequestOptions noOptions;
  /** The options of the last call made with options of its own, merged: callers tend to reuse theirs. */
  private volatile @Nullable Merged lastMerged;
  /** The last fixed address called. */
  private volatile @Nullable Fixed lastFixed;

  DefaultClient(Builder builder) {
    this.id = builder.id;
    Registry registry = builder.registry != null ? builder.registry : Registry.shared();
    this.selector = builder.selector != null ? builder.selector : Selector.random(registry);
    this.ownsSelector = builder.selector == null;
    this.ownsTransport = builder.transport == null;
    this.transport = builder.transport != null ? builder.transport : Transport.load().client(builder.transportOptions);
    this.codecs = builder.codecs;
    this.broker = builder.broker != null ? builder.broker : Broker.shared();
    this.defaults = builder.defaults;
    this.noOptions = RequestOptions.defaults().orElse(defaults);
    ClientHandler composed = this::send;
    List<ClientInterceptor> interceptors = builder.interceptors;
    for (int i = interceptors.size() - 1; i >= 0; i--) {
      composed = interceptors.get(i).wrap(composed);
    }
    this.chain = composed;
  }

  @Override
  public <T> Mono<T> call(String service, String endpoint, @Nullable Object request, TypeRef<T> responseType,
      RequestOptions options) {
    return call(service, endpoint, request, responseType.type(), options);
  }

  // The class overloads go straight to the call, with no type token made per call.
  @Override
  public <T> Mono<T> call(String service, String endpoint, @Nullable Object request, Class<T> responseType,
      RequestOptions options) {
    return call(service, endpoint, request, (Type) responseType, options);
  }

  @Override
  public <T> Mono<T> call(String service, String endpoint, @Nullable Object request, Class<T> responseType) {
    return call(service, endpoint, request, (Type) responseType, RequestOptions.defaults());
  }

  @SuppressWarnings("unchecked")
  private <T> Mono<T> call(String service, String endpoint, @Nullable Object request, Type responseType,
      RequestOptions options) {
    ClientCall call = new ClientCall(service, endpoint, InteractionModel.REQUEST_RESPONSE, request, responseType,
        merged(options), false);
    return (Mono<T>) Mono.from(run(call));
  }

  @Override
  public <T> Flux<T> stream(String service, String endpoint, @Nullable Object request, TypeRef<T> responseType,
      RequestOptions options) {
    return stream(service, endpoint, request, responseType.type(), options);
  }

  @Override
  public <T> Flux<T> stream(String service, String endpoint, @Nullable Object request, Class<T> responseType,
      RequestOptions options) {
    return stream(service, endpoint, request, (Type) responseType, options);
  }

  @SuppressWarnings("unchecked")
  private <T> Flux<T> stream(String service, String endpoint, @Nullable Object request, Type responseType,
      RequestOptions options) {
    ClientCall call = new ClientCall(service, endpoint, InteractionModel.REQUEST_STREAM, request, responseType,
        merged(options), false);
    return (Flux<T>) Flux.from(run(call));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> Flux<T> channel(String service, String endpoint, Publisher<?> requests, TypeRef<T> responseType,
      RequestOptions options) {
    Objects.requireNonNull(requests, "requests");
    ClientCall call = new ClientCall(service, endpoint, InteractionModel.REQUEST_CHANNEL, requests, responseType.type(),
        merged(options), false);
    return (Flux<T>) Flux.from(run(call));
  }

  @Override
  public Mono<Void> fireAndForget(String service, String endpoint, @Nullable Object request, RequestOptions options) {
    ClientCall call = new ClientCall(service, endpoint, InteractionModel.REQUEST_RESPONSE, request, Void.class,
        merged(options), true);
    return Flux.from(run(call)).then();
  }

  @Override
  public Mono<Void> publish(String topic, Object message, RequestOptions options) {
    Objects.requireNonNull(message, "message");
    return Mono.deferContextual(ctx -> {
      RequestOptions merged = merged(options);
      String contentType = Objects.requireNonNull(merged.contentType());
      Map<String, String> headers = new LinkedHashMap<>(Metadata.from(ctx).merge(merged.metadata()).asMap());
      Message outgoing;
      if (message instanceof Message raw) {
        headers.putAll(raw.headers());
        outgoing = new Message(headers, raw.body());
      } else {
        headers.put("Content-Type", contentType);
        outgoing = new Message(headers, encode(encoder(contentType, message.getClass()), message));
      }
      return broker.publish(topic, outgoing.withHeader("Micro-Topic", topic));
    });
  }

  @Override
  public <T> T proxy(Class<T> api, String service, RequestOptions options) {
    if (!api.isInterface()) {
      throw new IllegalArgumentException(api.getName() + " is not an interface");
    }
    Object proxy = Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] {api},
        new ProxyHandler(this, api, service, options));
    return api.cast(proxy);
  }

  @Override
  public Mono<Void> close() {
    return Mono.defer(() -> {
      timers.close();
      return Mono.when(ownsSelector ? selector.close() : Mono.empty(),
          ownsTransport ? transport.close() : Mono.empty());
    });
  }

  /**
   * Returns a call's options with the defaults filled in; options are immutable, so those of the last
   * call are merged once for the calls that pass the same object again.
   */
  private RequestOptions merged(RequestOptions options) {
    if (options == RequestOptions.defaults()) {
      return noOptions;
    }
    Merged last = lastMerged;
    if (last != null && last.given() == options) {
      return last.merged();
    }
    RequestOptions merged = options.orElse(defaults);
    lastMerged = new Merged(options, merged);
    return merged;
  }

  private Publisher<?> run(ClientCall call) {
    try {
      Publisher<?> result = chain.handle(call);
      return result == null ? Flux.error(new IllegalStateException("client interceptor returned null")) : result;
    } catch (RuntimeException e) {
      return Flux.error(e);
    }
  }

  /** The end of the chain: encode, select, send, fail over, retry, decode. */
  private Publisher<?> send(ClientCall call) {
    if (call.model() == InteractionModel.REQUEST_RESPONSE && !call.fireAndForget()) {
      return new RequestResponseMono(call);
    }
    return Flux.deferContextual(ctx -> {
      RequestOptions options = call.options();
      String contentType = Objects.requireNonNull(options.contentType());
      Metadata metadata = Metadata.from(ctx).merge(options.metadata());
      Duration timeout = Objects.requireNonNull(options.timeout());
      if (call.model() == InteractionModel.REQUEST_CHANNEL) {
        return streamTimeouts(call, channel(call, contentType, metadata));
      }
      Codec.Encoder encoder = encoder(contentType, call.request() == null ? Void.class : call.request().getClass());
      OutboundRequest request = new OutboundRequest(call.endpoint(), contentType, metadata,
          encode(encoder, call.request()));
      if (call.fireAndForget()) {
        return failover(call, true, address -> withTimeout(transport.fireAndForget(address, request), timeout, call));
      }
      Codec.Decoder decoder = decoder(contentType, call.responseType());
      if (call.model() == InteractionModel.REQUEST_STREAM) {
        return streamTimeouts(call, failover(call, true, address -> transport.requestStream(address, request, decoder)));
      }
      return failover(call, true,
          address -> withTimeout(transport.requestResponse(address, request, decoder), timeout, call));
    });
  }

  /** A request-response call: a {@code Mono} all the way, with failover state made only on a failure. */
  private Mono<Object> requestResponse(ClientCall call, ContextView ctx) {
    RequestOptions options = call.options();
    String contentType = Objects.requireNonNull(options.contentType());
    Metadata metadata = Metadata.from(ctx).merge(options.metadata());
    Duration timeout = Objects.requireNonNull(options.timeout());
    Object value = call.request();
    Codec.Encoder encoder = encoder(contentType, value == null ? Void.class : value.getClass());
    OutboundRequest request = new OutboundRequest(call.endpoint(), contentType, metadata, encode(encoder, value));
    Codec.Decoder decoder = decoder(contentType, call.responseType());
    Function<String, Mono<Object>> attempt = new Attempt(call, request, decoder, timeout);
    String fixed = options.address();
    if (fixed != null) {
      return new Failover<>(monoShape, call, fixed(fixed).next(), false, retries(call, null, true), attempt).attempt();
    }
    if (call.service().isEmpty()) {
      return Mono.error(noTarget(call));
    }
    return selector.select(call.service(), options.filter())
        .flatMap(next -> new Failover<>(monoShape, call, next, true, retries(call, next, true), attempt).attempt());
  }

  /** Returns the node and the one-node selection of a fixed address, made once for the same address. */
  private Fixed fixed(String address) {
    Fixed last = lastFixed;
    if (last != null && last.address().equals(address)) {
      return last;
    }
    Node node = Node.of(address, address);
    Fixed fresh = new Fixed(address, node, () -> node);
    lastFixed = fresh;
    return fresh;
  }

  private Flux<Object> channel(ClientCall call, String contentType, Metadata metadata) {
    Publisher<?> requests = (Publisher<?>) Objects.requireNonNull(call.request());
    return Flux.from(requests).switchOnFirst((first, all) -> {
      if (!first.hasValue()) {
        return first.isOnError() ? Flux.error(Objects.requireNonNull(first.getThrowable())) : Flux.empty();
      }
      Object firstValue = Objects.requireNonNull(first.get());
      Codec.Encoder encoder = encoder(contentType, firstValue.getClass());
      OutboundRequest request = new OutboundRequest(call.endpoint(), contentType, metadata, encode(encoder, firstValue));
      Flux<byte[]> rest = all.skip(1).map(value -> encode(encoder(contentType, value.getClass()), value));
      Codec.Decoder decoder = decoder(contentType, call.responseType());
      // Only a failure to connect, before the rest was subscribed, is retried: a channel is not replayable.
      return failover(call, false, address -> transport.requestChannel(address, request, rest, decoder));
    }, false);
  }

  /**
   * Selects the nodes, then makes attempts until one succeeds: a node that cannot be reached is skipped
   * for the next, whatever the call; a call that may have reached a node is retried on the next one only
   * when it is replayable and idempotent (by its options, else by the endpoint's registration).
   */
  private Flux<Object> failover(ClientCall call, boolean replayable, Function<String, Publisher<?>> attempt) {
    RequestOptions options = call.options();
    Function<String, Flux<Object>> send = address -> Flux.from(attempt.apply(address));
    String fixed = options.address();
    if (fixed != null) {
      return new Failover<>(fluxShape, call, fixed(fixed).next(), false, retries(call, null, replayable), send)
          .attempt();
    }
    if (call.service().isEmpty()) {
      return Flux.error(noTarget(call));
    }
    return selector.select(call.service(), options.filter())
        .flatMapMany(next -> new Failover<>(fluxShape, call, next, true, retries(call, next, replayable), send)
            .attempt());
  }

  private static IllegalArgumentException noTarget(ClientCall call) {
    return new IllegalArgumentException("call to " + call.endpoint()
        + " has neither a service name nor an address (RequestOptions.withAddress)");
  }

  /** Returns how many times a call that may have reached a node may be sent again. */
  private static int retries(ClientCall call, @Nullable Next next, boolean replayable) {
    Boolean idempotent = call.options().idempotent();
    boolean retryable = replayable && (idempotent != null ? idempotent
        : next != null && next.idempotent(call.endpoint()));
    return retryable ? Objects.requireNonNull(call.options().retries()) : 0;
  }

  /**
   * What the failover engine needs of the publisher type of a call's answers, so that one engine serves
   * a request-response {@code Mono} (with one small operator per step) and the streams' {@code Flux}.
   */
  private interface Shape<P extends Publisher<Object>> {

    /** Returns an answer that fails with {@code error}. */
    P error(Throwable error);

    /** Returns {@code sent}, telling the selector when the attempt on {@code node} starts and ends. */
    P tracked(P sent, String service, Node node);

    /**
     * Returns {@code sent}, going on with what {@code failover} returns for its error, told whether a
     * message had arrived before it.
     */
    P resume(P sent, Failover<P> failover);

    /** Returns what {@code next} makes, subscribed after {@code delay}. */
    P delayed(Duration delay, Supplier<P> next);
  }

  /** The request-response shape: a {@code Mono} settles once, so an error never follows a response. */
  private final Shape<Mono<Object>> monoShape = new Shape<>() {
    @Override
    public Mono<Object> error(Throwable error) {
      return Mono.error(error);
    }

    @Override
    public Mono<Object> tracked(Mono<Object> sent, String service, Node node) {
      return new TrackedMono<>(sent, selector, service, node);
    }

    @Override
    public Mono<Object> resume(Mono<Object> sent, Failover<Mono<Object>> failover) {
      // The failover itself is the fallback: no object per attempt beyond the operator.
      return new ResumeMono<>(sent, failover);
    }

    @Override
    public Mono<Object> delayed(Duration delay, Supplier<Mono<Object>> next) {
      return Mono.delay(delay).then(Mono.defer(next));
    }
  };

  /** The streams' shape: a stream that has sent a message is never sent again. */
  private final Shape<Flux<Object>> fluxShape = new Shape<>() {
    @Override
    public Flux<Object> error(Throwable error) {
      return Flux.error(error);
    }

    /**
     * Ends with the first response for request-response (a fire-and-forget), at the stream's end for a
     * stream; cancelled before any response, with a {@link CancellationException}, which says nothing
     * of the node.
     */
    @Override
    public Flux<Object> tracked(Flux<Object> sent, String service, Node node) {
      return Flux.defer(() -> {
        AtomicBoolean ended = new AtomicBoolean();
        boolean[] received = {false};
        Consumer<@Nullable Throwable> end = error -> {
          if (ended.compareAndSet(false, true)) {
            selector.mark(service, node, error);
          }
        };
        selector.started(service, node);
        return sent
            .doOnNext(v -> received[0] = true)
            .doOnComplete(() -> end.accept(null))
            .doOnError(end::accept)
            .doOnCancel(() -> end.accept(received[0] ? null : new CancellationException("the caller cancelled")));
      });
    }

    @Override
    public Flux<Object> resume(Flux<Object> sent, Failover<Flux<Object>> failover) {
      return Flux.defer(() -> {
        boolean[] received = {false};
        return sent.doOnNext(v -> received[0] = true).onErrorResume(error -> failover.recover(error, received[0]));
      });
    }

    @Override
    public Flux<Object> delayed(Duration delay, Supplier<Flux<Object>> next) {
      return Mono.delay(delay).thenMany(Flux.defer(next));
    }
  };

  /**
   * One call's way through the nodes of its selection, attempt after attempt until one succeeds: a node
   * that cannot be reached is skipped for the next, whatever the call; a call that may have reached a
   * node is sent again, after an exponential back-off, only while it has retries left, nothing has
   * arrived, and the error says the node may do better next time (408, 502, 503, 504). Attempts are
   * made one after the other, so the state needs no synchronisation.
   */
  private final class Failover<P extends Publisher<Object>> implements Function<Throwable, P> {
    private final Shape<P> shape;
    private final ClientCall call;
    private final Next next;
    private final boolean selected;
    private final int retries;
    private final Function<String, P> send;
    /** The nodes found unreachable, made on the first. */
    private @Nullable Set<String> unreachable;
    /** The node of the attempt under way. */
    private @Nullable Node current;
    private int retried;

    Failover(Shape<P> shape, ClientCall call, Next next, boolean selected, int retries, Function<String, P> send) {
      this.shape = shape;
      this.call = call;
      this.next = next;
      this.selected = selected;
      this.retries = retries;
      this.send = send;
    }

    /** Returns the next attempt, on the next node not found unreachable. */
    P attempt() {
      Node node = nextReachable();
      if (node == null) {
        return shape.error(MicroException.serviceUnavailable(id, "service %s: no node could be reached (%d tried)",
            call.service(), unreachable == null ? 0 : unreachable.size()));
      }
      current = node;
      P sent = send.apply(node.address());
      if (selected) {
        sent = shape.tracked(sent, call.service(), node);
      }
      return shape.resume(sent, this);
    }

    /** Recovers from the error of an attempt that received nothing: a request-response attempt's. */
    @Override
    public P apply(Throwable error) {
      return recover(error, false);
    }

    /** Returns what follows the current attempt's {@code error}: the next attempt, or the error. */
    P recover(Throwable error, boolean received) {
      Node node = Objects.requireNonNull(current);
      if (error instanceof ConnectionFailedException) {
        if (unreachable == null) {
          unreachable = new HashSet<>();
        }
        unreachable.add(node.id());
        return attempt();
      }
      MicroException mapped = MicroException.from(id, error);
      if (!received && retried < retries && retryable(mapped)) {
        Duration backoff = Objects.requireNonNull(call.options().backoff()).multipliedBy(1L << Math.min(retried, 10));
        retried++;
        return shape.delayed(backoff, this::attempt);
      }
      return shape.error(mapped);
    }

    /**
     * Returns the next node not already found unreachable, or {@code null} when none is left. A retry
     * after a node failed may come round to one that could not be reached before: that one is skipped.
     */
    private @Nullable Node nextReachable() {
      Node node = next.next();
      Set<String> skip = unreachable;
      if (skip == null || skip.isEmpty()) {
        return node;
      }
      Set<String> seen = new HashSet<>();
      // Next cycles through every node, so meeting a skipped node again means every node was skipped.
      while (skip.contains(node.id())) {
        if (!seen.add(node.id())) {
          return null;
        }
        node = next.next();
      }
      return node;
    }
  }

  private static boolean retryable(MicroException error) {
    int code = error.code();
    return code == 408 || code == 502 || code == 503 || code == 504;
  }

  /** A request-response call made when subscribed, in the subscriber's context, as {@code Mono.deferContextual} would. */
  private final class RequestResponseMono extends Mono<Object> {
    private final ClientCall call;

    RequestResponseMono(ClientCall call) {
      this.call = call;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Object> actual) {
      Mono<Object> made;
      try {
        made = requestResponse(call, actual.currentContext());
      } catch (Throwable t) {
        Operators.error(actual, Operators.onOperatorError(t, actual.currentContext()));
        return;
      }
      made.subscribe(actual);
    }
  }

  /**
   * Sends a request-response attempt to an address with its timeout; also the timeout's error, built
   * only when it fires, so that an attempt takes one object for both.
   */
  private final class Attempt implements Function<String, Mono<Object>>, Supplier<MicroException> {
    private final ClientCall call;
    private final OutboundRequest request;
    private final Codec.Decoder decoder;
    private final Duration timeout;

    Attempt(ClientCall call, OutboundRequest request, Codec.Decoder decoder, Duration timeout) {
      this.call = call;
      this.request = request;
      this.decoder = decoder;
      this.timeout = timeout;
    }

    @Override
    public Mono<Object> apply(String address) {
      return new TimeoutMono<>(transport.requestResponse(address, request, decoder), timers, timeout.toNanos(), this);
    }

    @Override
    public MicroException get() {
      return timeoutError(call, timeout);
    }
  }

  /**
   * Bounds a stream or channel call by its options: in all, and between two messages. Either, when it
   * passes, cancels the call (on the server too) and fails it with a 408; the timers run on
   * {@code Schedulers.parallel()}.
   */
  private Flux<Object> streamTimeouts(ClientCall call, Flux<Object> responses) {
    Duration idle = call.options().streamIdleTimeout();
    Duration total = call.options().streamTimeout();
    if (idle == null && total == null) {
      return responses;
    }
    long idleNanos = idle == null ? Long.MAX_VALUE : idle.toNanos();
    return Flux.defer(() -> {
      Scheduler clock = Schedulers.parallel();
      long deadline = total == null ? Long.MAX_VALUE : clock.now(TimeUnit.NANOSECONDS) + total.toNanos();
      Supplier<Mono<Long>> quiet = () -> {
        long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - clock.now(TimeUnit.NANOSECONDS);
        return Mono.delay(Duration.ofNanos(Math.max(0, Math.min(idleNanos, left))), clock);
      };
      Flux<Object> expired = Flux.defer(() -> Flux.error(total != null && clock.now(TimeUnit.NANOSECONDS) >= deadline
          ? MicroException.timeout(id, "%s %s did not end within %d ms", call.service(), call.endpoint(),
              total.toMillis())
          : MicroException.timeout(id, "%s %s sent no message for %d ms", call.service(), call.endpoint(),
              Objects.requireNonNull(idle).toMillis())));
      return responses.timeout(Mono.defer(quiet), response -> quiet.get(), expired);
    });
  }

  private MicroException timeoutError(ClientCall call, Duration timeout) {
    return MicroException.timeout(id, "call to %s %s timed out after %d ms", call.service(), call.endpoint(),
        timeout.toMillis());
  }

  private <T> Mono<T> withTimeout(Mono<T> sent, Duration timeout, ClientCall call) {
    // The error is built only when the timeout fires.
    return new TimeoutMono<>(sent, timers, timeout.toNanos(), () -> timeoutError(call, timeout));
  }

  private byte[] encode(Codec.Encoder encoder, @Nullable Object value) {
    try {
      return encoder.encode(value);
    } catch (CodecException e) {
      throw MicroException.badRequest(id, "%s", e.getMessage());
    }
  }

  private Codec.Encoder encoder(String contentType, Type type) {
    return prepared(encoders, contentType, type, Codec::encoder);
  }

  private Codec.Decoder decoder(String contentType, Type type) {
    return prepared(decoders, contentType, type,
        (codec, t) -> t == Void.class ? data -> null : codec.decoder(t));
  }

  /** Returns the encoder or decoder of a content type for a type, prepared once and cached. */
  private <T> T prepared(Map<Type, Map<String, T>> cache, String contentType, Type type,
      BiFunction<Codec, Type, T> prepare) {
    Map<String, T> byContentType = cache.get(type);
    T cached = byContentType == null ? null : byContentType.get(contentType);
    if (cached != null) {
      return cached;
    }
    Codec codec = codecs.get(contentType);
    try {
      return cache.computeIfAbsent(type, t -> new ConcurrentHashMap<>())
          .computeIfAbsent(contentType, k -> prepare.apply(codec, type));
    } catch (IllegalArgumentException e) {
      throw MicroException.badRequest(id, "%s", e.getMessage());
    }
  }
}
