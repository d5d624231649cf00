package io.reactivemicro.registry.nats;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.MessageHandler;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.RegistryEvent;
import io.reactivemicro.registry.ServiceInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A registry on plain NATS (no JetStream), in the design of Go Micro's NATS registry: nothing is stored on
 * the server; each registry answers look-ups for the nodes it registered itself.
 *
 * <ul>
 *   <li>Registering subscribes this registry to {@code <prefix>.query} and keeps the node in memory with
 *       its TTL. Look-ups publish a query there and gather the other registries' answers for a short
 *       window (default {@value #DEFAULT_QUERY_WINDOW_MILLIS} ms), to which they add this registry's own
 *       nodes: {@link #getService} and {@link #listServices} therefore always take that long, see this
 *       registry's nodes at once, and see another registry's nodes only when its answer arrives in time.
 *   <li>A node not registered again within its TTL expires in its registry, which stops answering for it
 *       and announces the deletion. A node whose process or connection vanishes drops out of look-ups at
 *       once (nobody answers for it).
 *   <li>Each registration publishes an event on {@code <prefix>.watch.<service>}: {@code create},
 *       {@code update}, {@code delete}, or {@code renew} when a node is registered again unchanged. A
 *       watcher reports the first three, and also reports a node deleted when neither a renewal nor a
 *       deletion of it arrived within its TTL plus {@link Builder#expiryGrace(Duration) a grace} (1 s by
 *       default): that is how the deletion of a vanished node reaches watchers.
 * </ul>
 *
 * <p>jnats calls that can block (connecting, subscribing, publishing, flushing, closing) run on
 * {@link Schedulers#boundedElastic()}; answers and watch events arrive on jnats' dispatcher thread. Each
 * operation fails with a {@link MicroException} (503 when NATS cannot be reached) after the timeout
 * (default 5 s).
 *
 * <pre>{@code
 * Registry registry = NatsRegistry.builder(List.of("nats://10.0.0.1:4222")).build();
 * Service.builder("helloworld").registry(registry).handler(new Helloworld()).build().run();
 * }</pre>
 */
public final class NatsRegistry implements Registry {

  /** The server used when none is given. */
  public static final String DEFAULT_ADDRESS = "nats://127.0.0.1:4222";

  /** The subject prefix used when none is given. */
  public static final String DEFAULT_PREFIX = "micro.registry";

  /** How long a look-up gathers answers by default, in milliseconds. */
  public static final long DEFAULT_QUERY_WINDOW_MILLIS = 200;

  /** How long connecting or a round trip to NATS may take by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** How many events a watcher may fall behind before it receives an error. */
  public static final int WATCH_BUFFER = 1024;

  private static final String ID = "registry.nats";

  private record NodeKey(String service, String node) {}

  /** A node this registry registered: its description, TTL and expiry (on {@link System#nanoTime()}). */
  private static final class Local {
    final ServiceInfo service;
    final long ttlMillis;
    final long expiresAtNanos;
    volatile @Nullable Disposable expiry;

    Local(ServiceInfo service, Duration ttl) {
      this.service = service;
      this.ttlMillis = ttl.isNegative() ? 0 : ttl.toMillis();
      this.expiresAtNanos = ttlMillis == 0 ? 0 : System.nanoTime() + ttl.toNanos();
    }

    boolean expired(long now) {
      return expiresAtNanos != 0 && now - expiresAtNanos >= 0;
    }

    void cancelExpiry() {
      Disposable timer = expiry;
      if (timer != null) {
        timer.dispose();
      }
    }
  }

  private record Conn(Connection connection, Dispatcher dispatcher) {}

  private final NatsConnectionSource source;
  private final String prefix;
  private final Duration timeout;
  private final Duration queryWindow;
  private final Duration expiryGrace;
  private final String origin = UUID.randomUUID().toString();
  private final Map<NodeKey, Local> locals = new ConcurrentHashMap<>();
  private final Set<FluxSink<RegistryEvent>> watchers = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Mono<Conn> conn;
  // Guarded by this.
  private @Nullable Conn opened;
  private volatile @Nullable Subscription responder;

  private NatsRegistry(Builder builder, NatsConnectionSource source) {
    this.source = source;
    this.prefix = builder.prefix;
    this.timeout = builder.timeout;
    this.queryWindow = builder.queryWindow;
    this.expiryGrace = builder.expiryGrace;
    this.conn = source.connection()
        .publishOn(Schedulers.boundedElastic())
        .map(this::open)
        .cache(c -> Duration.ofMillis(Long.MAX_VALUE), e -> Duration.ZERO, () -> Duration.ZERO);
  }

  /**
   * Returns a builder of a registry on the NATS servers at {@code addresses}, under
   * {@value #DEFAULT_PREFIX}, with a connection of its own, made on first use, that reconnects for ever
   * and that {@link #close()} closes. Like every NATS and etcd backend, it takes a list of addresses: the
   * servers of one cluster, tried in turn.
   *
   * @param addresses {@code host:port} or {@code nats://host:port}, at least one, such as
   *     {@code List.of(}{@value #DEFAULT_ADDRESS}{@code )}
   * @return the builder
   * @throws NullPointerException when the list or an address is null
   * @throws IllegalArgumentException when the list is empty or an address is blank
   */
  public static Builder builder(List<String> addresses) {
    List<String> servers = NatsConnectionSource.servers(addresses);
    return new Builder(timeout -> NatsConnectionSource.own(Options.builder()
        .servers(servers.toArray(String[]::new))
        .connectionTimeout(timeout)
        .maxReconnects(-1)
        .connectionName("reactive-micro-registry")
        .build()));
  }

  /**
   * Returns a builder like {@link #builder(List)}, whose registry runs on the connection shared by every NATS
   * backend built this way or created from settings for the same servers in this JVM, closed by the
   * last of them to close; the backends created from settings are built this way.
   *
   * @param addresses as for the other builder
   * @return the builder
   * @throws NullPointerException when {@code addresses} is null
   * @throws IllegalArgumentException when an address is not valid
   */
  public static Builder sharedClientBuilder(List<String> addresses) {
    List<String> servers = NatsConnectionSource.servers(addresses);
    return new Builder(timeout -> NatsConnectionSource.shared(servers));
  }

  /**
   * Returns a builder of a registry on an application's jnats connection, for TLS, credentials or any other
   * jnats option, or to share one connection between the registry, the NATS broker and the JetStream
   * stream. The registry subscribes through a dispatcher of its own, which {@link #close()} closes, and
   * leaves the connection open: the application closes it after the last backend using it has closed (see
   * {@code NatsBroker.builder(Connection)} for an example).
   *
   * @param connection the connection
   * @return the builder
   * @throws NullPointerException when {@code connection} is null
   */
  public static Builder builder(Connection connection) {
    NatsConnectionSource source = NatsConnectionSource.given(connection);
    return new Builder(timeout -> source);
  }

  @Override
  public String name() {
    return "nats";
  }

  /** Returns the subject prefix of this registry's queries and events. */
  public String prefix() {
    return prefix;
  }

  /**
   * Registers the nodes of {@code service} in this registry, which answers look-ups for them until they
   * are deregistered or their TTL passes without another registration, and announces the change.
   *
   * @return a {@code Mono} that completes, on a bounded-elastic thread, once NATS has the subscription
   *     that answers look-ups and the watch events
   */
  @Override
  public Mono<Void> register(ServiceInfo service, Duration ttl) {
    return blocking("register " + service.name(), conn -> {
      ensureResponder(conn);
      for (Node node : service.nodes()) {
        ServiceInfo single = service.withNodes(List.of(node));
        NodeKey key = new NodeKey(service.name(), node.id());
        Local fresh = new Local(single, ttl);
        Local previous = locals.put(key, fresh);
        String action;
        if (previous == null || previous.expired(System.nanoTime())) {
          action = "create";
        } else if (!previous.service.equals(single)) {
          action = "update";
        } else {
          action = "renew";
        }
        if (previous != null) {
          previous.cancelExpiry();
        }
        if (fresh.ttlMillis > 0) {
          fresh.expiry = Schedulers.boundedElastic()
              .schedule(() -> expire(conn, key, fresh), fresh.ttlMillis, TimeUnit.MILLISECONDS);
        }
        publish(conn, action, fresh);
      }
      flush(conn);
    });
  }

  /**
   * Removes the nodes of {@code service} that this registry registered and announces their deletion; nodes
   * it did not register are ignored (their own registry answers for them).
   *
   * @return a {@code Mono} that completes, on a bounded-elastic thread, once the events reached NATS
   */
  @Override
  public Mono<Void> deregister(ServiceInfo service) {
    return blocking("deregister " + service.name(), conn -> {
      boolean any = false;
      for (Node node : service.nodes()) {
        Local removed = locals.remove(new NodeKey(service.name(), node.id()));
        if (removed != null) {
          removed.cancelExpiry();
          publish(conn, "delete", removed);
          any = true;
        }
      }
      if (any) {
        flush(conn);
      }
    });
  }

  /**
   * Asks every registry for service {@code name} and merges the answers by version.
   *
   * @return a {@code Flux} of one {@link ServiceInfo} per version, once the query window has passed
   */
  @Override
  public Flux<ServiceInfo> getService(String name) {
    return query(name).flatMapIterable(found -> mergeByVersion(found.stream()
        .filter(info -> info.name().equals(name)).toList()));
  }

  /**
   * Asks every registry for all its services and merges the answers by service and version.
   *
   * @return a {@code Flux} of one {@link ServiceInfo} per service and version, once the query window has
   *     passed
   */
  @Override
  public Flux<ServiceInfo> listServices() {
    return query(null).flatMapIterable(found -> {
      Map<String, List<ServiceInfo>> byName = new LinkedHashMap<>();
      found.forEach(info -> byName.computeIfAbsent(info.name(), n -> new ArrayList<>()).add(info));
      List<ServiceInfo> all = new ArrayList<>();
      byName.values().forEach(infos -> all.addAll(mergeByVersion(infos)));
      return all;
    });
  }

  /**
   * Subscribes to the watch subject of {@code service} (or of every service). Re-registrations of
   * unchanged nodes are not reported; a node whose registry stopped renewing it without deleting it is
   * reported deleted once its TTL and the grace have passed. Changes made before the subscription reached
   * NATS are not reported.
   *
   * @return a {@code Flux} of events on jnats' dispatcher thread (or a timer thread for expiries) that never
   *     completes on its own; cancelling it unsubscribes. A subscriber that falls {@value #WATCH_BUFFER}
   *     events behind receives an overflow error
   */
  @Override
  public Flux<RegistryEvent> watch(@Nullable String service) {
    String subject = prefix + ".watch." + (service == null ? ">" : token(service));
    return connection()
        .flatMapMany(conn -> Flux.<RegistryEvent>create(sink -> {
          Watcher watcher = new Watcher(sink, service);
          watchers.add(sink);
          subscribe(conn, sink, "watch", subject, watcher::onMessage,
              this::flush, () -> {
                watchers.remove(sink);
                watcher.dispose();
              });
        }, FluxSink.OverflowStrategy.BUFFER))
        .onBackpressureBuffer(WATCH_BUFFER, dropped -> { }, BufferOverflowStrategy.ERROR);
  }

  /**
   * Completes this registry's watches and closes its dispatcher, then closes the connection if the registry
   * made it; a connection given to {@link #builder(Connection)} stays open. Nodes registered through this
   * registry are not announced deleted: look-ups stop finding them at once, and other registries' watchers
   * report them deleted once their TTL has passed.
   *
   * @return a {@code Mono} that completes once closed, on a bounded-elastic thread
   */
  @Override
  public Mono<Void> close() {
    return Mono.<Void>fromRunnable(() -> {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      locals.values().forEach(Local::cancelExpiry);
      locals.clear();
      watchers.forEach(FluxSink::complete);
      Conn open;
      synchronized (this) {
        open = opened;
        opened = null;
      }
      if (open != null) {
        try {
          open.connection().closeDispatcher(open.dispatcher());
        } catch (IllegalStateException closedAlready) {
          // The connection is closed, and its dispatchers with it.
        }
      }
    }).subscribeOn(Schedulers.boundedElastic()).then(source.release());
  }

  // --- NATS ---

  /** Creates the registry's dispatcher on the connection, once; blocking, so on boundedElastic. */
  private synchronized Conn open(Connection nats) {
    if (closed.get()) {
      throw new IllegalStateException("the registry is closed");
    }
    Conn current = opened;
    if (current == null || current.connection() != nats) {
      current = new Conn(nats, nats.createDispatcher());
      opened = current;
    }
    return current;
  }

  /**
   * Returns the connection and the registry's dispatcher; a failed attempt is forgotten so that the next
   * operation tries again. A subscriber that gives up does not interrupt the attempt, which would leave
   * jnats half connected.
   */
  private Mono<Conn> connection() {
    return Mono.defer(() -> closed.get()
            ? Mono.<Conn>error(new MicroException(ID, 503, "the NATS registry is closed"))
            : conn)
        .timeout(timeout)
        .onErrorMap(error -> translate("connect", error));
  }

  @FunctionalInterface
  private interface NatsWork {
    void run(Conn conn) throws Exception;
  }

  /**
   * Runs jnats calls that may block on a bounded-elastic thread, within the timeout. Giving up does not
   * interrupt the calls: an interrupted jnats publish silently drops its message.
   */
  private Mono<Void> blocking(String what, NatsWork work) {
    return connection()
        .flatMap(conn -> Mono.<Void>defer(() -> {
          CompletableFuture<@Nullable Void> done = new CompletableFuture<>();
          Schedulers.boundedElastic().schedule(() -> {
            try {
              work.run(conn);
              done.complete(null);
            } catch (Throwable e) {
              done.completeExceptionally(e);
            }
          });
          return Mono.fromFuture(done, true).then().timeout(timeout);
        }))
        .onErrorMap(error -> translate(what, error));
  }

  /**
   * Waits for the server to have processed what was sent. jnats allows only a couple of pings in flight on
   * a connection (more make it reconnect), so flushes take turns, on the connection's monitor, which jnats
   * does not use, as every backend on a shared connection does.
   */
  private void flush(Conn conn) throws TimeoutException, InterruptedException {
    synchronized (conn.connection()) {
      conn.connection().flush(timeout);
    }
  }

  private synchronized void ensureResponder(Conn conn) {
    if (responder == null) {
      responder = conn.dispatcher().subscribe(prefix + ".query", message -> answer(conn, message));
    }
  }

  /** Answers a query with the live nodes of this registry that match it; says nothing when none does. */
  private void answer(Conn conn, Message message) {
    Json.Query query = Json.query(message.getData());
    String replyTo = message.getReplyTo();
    if (query == null || replyTo == null || replyTo.isEmpty() || origin.equals(query.origin())) {
      return;
    }
    List<ServiceInfo> matching = localNodes(query.service());
    if (!matching.isEmpty()) {
      conn.connection().publish(replyTo, Json.encode(matching));
    }
  }

  /** Returns the live nodes this registry registered, of {@code service} or of every service. */
  private List<ServiceInfo> localNodes(@Nullable String service) {
    long now = System.nanoTime();
    List<ServiceInfo> matching = new ArrayList<>();
    locals.forEach((key, local) -> {
      if (!local.expired(now) && (service == null || key.service().equals(service))) {
        matching.add(local.service);
      }
    });
    return matching;
  }

  private Mono<List<ServiceInfo>> query(@Nullable String service) {
    String what = service == null ? "list" : "get " + service;
    return connection()
        .flatMapMany(conn -> Flux.<ServiceInfo>create(sink -> {
          String inbox = conn.connection().createInbox();
          // The subscription precedes the query on the same connection, so NATS routes every answer to it.
          subscribe(conn, sink, what, inbox, message -> Json.services(message.getData()).forEach(sink::next),
              nats -> nats.connection().publish(prefix + ".query", inbox, Json.encode(new Json.Query(service, origin))),
              () -> { });
        }, FluxSink.OverflowStrategy.BUFFER).take(queryWindow))
        // This registry's own nodes need no round trip: they are always in its answers.
        .startWith(Flux.defer(() -> Flux.fromIterable(localNodes(service))))
        .collectList()
        .onErrorMap(error -> translate(what, error));
  }

  private void expire(Conn conn, NodeKey key, Local local) {
    if (locals.remove(key, local)) {
      try {
        publish(conn, "delete", local);
      } catch (RuntimeException closedMeanwhile) {
        // The connection is gone: watchers will see the node expire on their own.
      }
    }
  }

  private void publish(Conn conn, String action, Local local) {
    conn.connection().publish(prefix + ".watch." + token(local.service.name()),
        Json.encode(new Json.Event(action, local.ttlMillis, local.service)));
  }

  /**
   * Subscribes {@code handler} to {@code subject} and then runs {@code then}, on a bounded-elastic thread
   * that is never interrupted, and unsubscribes once {@code sink} is cancelled or terminated, whichever
   * comes first, after running {@code onDispose} (a sink takes a single dispose callback).
   */
  private void subscribe(Conn conn, FluxSink<?> sink, String what, String subject, MessageHandler handler,
      NatsWork then, Runnable onDispose) {
    AtomicBoolean disposed = new AtomicBoolean();
    AtomicReference<@Nullable Subscription> current = new AtomicReference<>();
    sink.onDispose(() -> {
      onDispose.run();
      disposed.set(true);
      Subscription subscription = current.getAndSet(null);
      if (subscription != null) {
        unsubscribeLater(conn, subscription);
      }
    });
    Schedulers.boundedElastic().schedule(() -> {
      try {
        Subscription subscription = conn.dispatcher().subscribe(subject, handler);
        current.set(subscription);
        if (disposed.get()) {
          if (current.compareAndSet(subscription, null)) {
            unsubscribeLater(conn, subscription);
          }
          return;
        }
        then.run(conn);
      } catch (Throwable e) {
        sink.error(translate(what, e));
      }
    });
  }

  private static void unsubscribeLater(Conn conn, Subscription subscription) {
    Schedulers.boundedElastic().schedule(() -> {
      try {
        conn.dispatcher().unsubscribe(subscription);
      } catch (RuntimeException closedMeanwhile) {
        // The connection closed, and the subscription with it.
      }
    });
  }

  private Throwable translate(String what, Throwable failure) {
    Throwable error = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
    if (error instanceof MicroException) {
      return error;
    }
    if (error instanceof TimeoutException) {
      return new MicroException(ID, 503, "NATS at " + source.describe() + " did not answer " + what + " within "
          + timeout.toMillis() + " ms", null, error);
    }
    if (error instanceof IOException || error instanceof IllegalStateException) {
      return new MicroException(ID, 503, "NATS at " + source.describe() + ": " + what + " failed: " + error.getMessage(),
          null, error);
    }
    return new MicroException(ID, 500, "NATS at " + source.describe() + ": " + what + " failed: " + error, null, error);
  }

  // --- names and merging ---

  /** Turns a service name into one subject token: letters, digits, {@code -} and {@code _} stay, the rest is %XX. */
  static String token(String name) {
    StringBuilder token = new StringBuilder(name.length());
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
        token.append(c);
      } else {
        token.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return token.toString();
  }

  /** Merges single-node descriptions by version; a node answered twice is kept once. */
  private static List<ServiceInfo> mergeByVersion(List<ServiceInfo> entries) {
    Map<String, ServiceInfo> byVersion = new LinkedHashMap<>();
    Map<String, Map<String, Node>> nodes = new LinkedHashMap<>();
    for (ServiceInfo entry : entries) {
      byVersion.putIfAbsent(entry.version(), entry);
      Map<String, Node> ofVersion = nodes.computeIfAbsent(entry.version(), v -> new LinkedHashMap<>());
      entry.nodes().forEach(node -> ofVersion.putIfAbsent(node.id(), node));
    }
    List<ServiceInfo> merged = new ArrayList<>(byVersion.size());
    byVersion.forEach((version, info) -> merged.add(info.withNodes(List.copyOf(nodes.get(version).values()))));
    return merged;
  }

  /** Turns watch-subject messages into events, and reports nodes whose renewals stopped. */
  private final class Watcher {
    private final FluxSink<RegistryEvent> sink;
    private final @Nullable String service;
    private final Map<NodeKey, Tracked> tracked = new HashMap<>();
    private boolean disposed;

    private record Tracked(ServiceInfo service, @Nullable Disposable timer) {}

    Watcher(FluxSink<RegistryEvent> sink, @Nullable String service) {
      this.sink = sink;
      this.service = service;
    }

    void onMessage(Message message) {
      Json.Event event = Json.event(message.getData());
      if (event == null || service != null && !event.service().name().equals(service)) {
        return;
      }
      for (Node node : event.service().nodes()) {
        ServiceInfo single = event.service().withNodes(List.of(node));
        NodeKey key = new NodeKey(single.name(), node.id());
        synchronized (this) {
          if (disposed) {
            return;
          }
          switch (event.action()) {
            case "create" -> {
              track(key, single, event.ttl());
              emit(RegistryEvent.Type.CREATE, single);
            }
            case "update" -> {
              track(key, single, event.ttl());
              emit(RegistryEvent.Type.UPDATE, single);
            }
            case "renew" -> track(key, single, event.ttl());
            case "delete" -> {
              untrack(key);
              emit(RegistryEvent.Type.DELETE, single);
            }
            default -> { }
          }
        }
      }
    }

    private void track(NodeKey key, ServiceInfo single, long ttlMillis) {
      untrack(key);
      Tracked[] entry = new Tracked[1];
      Disposable timer = ttlMillis <= 0 ? null : Schedulers.parallel().schedule(() -> expired(key, entry[0]),
          ttlMillis + expiryGrace.toMillis(), TimeUnit.MILLISECONDS);
      entry[0] = new Tracked(single, timer);
      tracked.put(key, entry[0]);
    }

    private void untrack(NodeKey key) {
      Tracked previous = tracked.remove(key);
      if (previous != null && previous.timer() != null) {
        previous.timer().dispose();
      }
    }

    private synchronized void expired(NodeKey key, Tracked entry) {
      if (!disposed && tracked.remove(key, entry)) {
        emit(RegistryEvent.Type.DELETE, entry.service());
      }
    }

    private void emit(RegistryEvent.Type type, ServiceInfo single) {
      sink.next(new RegistryEvent(type, single, Instant.now()));
    }

    synchronized void dispose() {
      disposed = true;
      tracked.values().forEach(entry -> {
        if (entry.timer() != null) {
          entry.timer().dispose();
        }
      });
      tracked.clear();
    }
  }

  /** Builds a {@link NatsRegistry}. Builders are not thread-safe; registries are. */
  public static final class Builder {
    private final Function<Duration, NatsConnectionSource> source;
    private String prefix = DEFAULT_PREFIX;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration queryWindow = Duration.ofMillis(DEFAULT_QUERY_WINDOW_MILLIS);
    private Duration expiryGrace = Duration.ofSeconds(1);

    private Builder(Function<Duration, NatsConnectionSource> source) {
      this.source = source;
    }

    /**
     * Sets the subject prefix, {@value NatsRegistry#DEFAULT_PREFIX} by default: queries go to
     * {@code <prefix>.query}, events to {@code <prefix>.watch.<service>}.
     *
     * @param prefix one or more subject tokens, without wildcards
     * @return this builder
     */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (prefix.isEmpty() || prefix.startsWith(".") || prefix.endsWith(".") || prefix.contains("*")
          || prefix.contains(">") || prefix.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("not a subject prefix: '" + prefix + "'");
      }
      this.prefix = prefix;
      return this;
    }

    /**
     * Sets how long connecting, or an operation's round trip to NATS, may take, {@code 5 s} by default.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /**
     * Sets how long a look-up gathers answers, {@value NatsRegistry#DEFAULT_QUERY_WINDOW_MILLIS} ms by
     * default: long enough for every registry to answer, and the least time each look-up takes.
     *
     * @param window a positive duration
     * @return this builder
     */
    public Builder queryWindow(Duration window) {
      this.queryWindow = positive(window, "query window");
      return this;
    }

    /**
     * Sets how long after a node's TTL a watcher waits for its renewal or deletion before it reports the
     * node deleted, {@code 1 s} by default.
     *
     * @param grace a positive duration
     * @return this builder
     */
    public Builder expiryGrace(Duration grace) {
      this.expiryGrace = positive(grace, "expiry grace");
      return this;
    }

    /**
     * Returns the registry; it connects to NATS on its first operation.
     *
     * @return the registry
     */
    public NatsRegistry build() {
      return new NatsRegistry(this, source.apply(timeout));
    }

    private static Duration positive(Duration duration, String what) {
      if (duration.isZero() || duration.isNegative()) {
        throw new IllegalArgumentException("the " + what + " must be positive: " + duration);
      }
      return duration;
    }
  }
}
