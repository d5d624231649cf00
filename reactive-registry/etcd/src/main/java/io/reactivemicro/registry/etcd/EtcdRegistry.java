package io.reactivemicro.registry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.lease.NoSuchLeaseException;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.plugin.spi.ClientSource;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.RegistryEvent;
import io.reactivemicro.registry.ServiceInfo;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A registry in etcd, laid out as Go Micro's etcd registry lays it out: each node is the key
 * {@code <prefix><service>/<node id>} (default prefix {@value #DEFAULT_PREFIX}) holding the service's JSON
 * description with that one node.
 *
 * <p>A registration with a TTL attaches the key to an etcd lease of that TTL (rounded up to whole seconds;
 * etcd raises it to its least lease TTL, about two seconds). Registering the same node again with the same
 * TTL keeps its lease alive and rewrites the key only when its description changed, so a service that
 * re-registers every interval (as {@code Service} does) stays, and a node whose process dies disappears
 * when its lease runs out. Deregistering deletes the key and revokes the lease. A TTL of zero writes the
 * key without a lease: it stays until deregistered.
 *
 * <p>Every operation goes through jetcd, whose futures complete on jetcd's own threads; nothing blocks the
 * subscribing thread. Each call to etcd fails after the registry's timeout (default 5 s) with a
 * {@link MicroException} (503 when etcd cannot be reached) rather than waiting for ever.
 *
 * <pre>{@code
 * Registry registry = EtcdRegistry.builder(List.of("10.0.0.1:2379")).build();
 * Service.builder("helloworld").registry(registry).handler(new Helloworld()).build().run();
 * }</pre>
 */
public final class EtcdRegistry implements Registry {

  /** The address used when none is given. */
  public static final String DEFAULT_ADDRESS = "127.0.0.1:2379";

  /** The key prefix used when none is given, Go Micro's. */
  public static final String DEFAULT_PREFIX = "/micro/registry/";

  /** How long a single call to etcd may take by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** How many events a watcher may fall behind before it receives an error. */
  public static final int WATCH_BUFFER = 1024;

  private static final String ID = "registry.etcd";

  /** What this registry last wrote for a node key: the lease (0 for none), its TTL and the value. */
  private record Registration(long leaseId, long ttlSeconds, byte[] value) {}

  private final ClientSource<Client> source;
  private final Client client;
  private final String prefix;
  private final Duration timeout;
  private final Map<String, Registration> registrations = new ConcurrentHashMap<>();
  private final Set<FluxSink<RegistryEvent>> watchers = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private EtcdRegistry(Builder builder, ClientSource<Client> source) {
    this.source = source;
    this.client = source.client();
    this.prefix = builder.prefix.endsWith("/") ? builder.prefix : builder.prefix + "/";
    this.timeout = builder.timeout;
  }

  /**
   * Returns a builder of a registry on the etcd endpoints at {@code addresses}, under
   * {@value #DEFAULT_PREFIX}, with a jetcd client of its own that {@link #close()} closes. Like every NATS
   * and etcd backend, it takes a list of addresses: the members of one cluster.
   *
   * @param addresses {@code host:port} or URLs such as {@code https://host:2379}, at least one, such as
   *     {@code List.of(}{@value #DEFAULT_ADDRESS}{@code )}
   * @return the builder
   * @throws NullPointerException when the list or an address is null
   * @throws IllegalArgumentException when the list is empty or an address is blank or not a valid URI
   */
  public static Builder builder(List<String> addresses) {
    List<URI> endpoints = EtcdClientSource.endpoints(addresses);
    return new Builder(timeout -> EtcdClientSource.own(endpoints, timeout));
  }

  /**
   * Returns a builder like {@link #builder(List)}, whose registry runs on the client shared by every etcd
   * backend built this way or created from settings for the same endpoints in this JVM, closed by the
   * last of them to close; the backends created from settings are built this way.
   *
   * @param addresses as for the other builder
   * @return the builder
   * @throws NullPointerException when {@code addresses} is null
   * @throws IllegalArgumentException when an address is not valid
   */
  public static Builder sharedClientBuilder(List<String> addresses) {
    List<URI> endpoints = EtcdClientSource.endpoints(addresses);
    return new Builder(timeout -> EtcdClientSource.shared(endpoints));
  }

  /**
   * Returns a builder of a registry on an application's jetcd client, for TLS, authentication, a namespace
   * or any other jetcd option, or to share one client (one gRPC channel) between the registry and the etcd
   * sync. {@link #close()} completes the registry's watches and leaves the client open: the application
   * closes it after the last backend using it has closed.
   *
   * <pre>{@code
   * Client etcd = Client.builder().endpoints("http://10.0.0.1:2379").build();
   * Registry registry = EtcdRegistry.builder(etcd).build();
   * Sync sync = EtcdSync.builder(etcd).build();
   * // ... and when done:
   * Mono.when(registry.close(), sync.close()).block();
   * etcd.close();
   * }</pre>
   *
   * @param client the client
   * @return the builder
   * @throws NullPointerException when {@code client} is null
   */
  public static Builder builder(Client client) {
    ClientSource<Client> source = EtcdClientSource.given(client);
    return new Builder(timeout -> source);
  }

  @Override
  public String name() {
    return "etcd";
  }

  /** Returns the key prefix the nodes are written under, ending in {@code /}. */
  public String prefix() {
    return prefix;
  }

  /**
   * Registers each node of {@code service} under its own key, attached to a lease of {@code ttl} unless the
   * TTL is zero; registering a node again keeps its lease alive.
   *
   * @return a {@code Mono} that completes once etcd has stored every node, on a jetcd thread; it fails with
   *     a {@link MicroException} when etcd cannot be reached within the timeout
   */
  @Override
  public Mono<Void> register(ServiceInfo service, Duration ttl) {
    return Flux.fromIterable(service.nodes())
        .concatMap(node -> registerNode(service.withNodes(List.of(node)), node, ttl))
        .then();
  }

  private Mono<Void> registerNode(ServiceInfo single, Node node, Duration ttl) {
    return Mono.defer(() -> {
      String key = nodeKey(single.name(), node.id());
      byte[] value = ServiceJson.encode(single);
      long ttlSeconds = seconds(ttl);
      Registration previous = registrations.get(key);
      Mono<Long> lease;
      if (ttlSeconds == 0) {
        lease = Mono.just(0L);
      } else if (previous != null && previous.leaseId() != 0 && previous.ttlSeconds() == ttlSeconds) {
        lease = keepAlive(previous.leaseId())
            .flatMap(alive -> alive ? Mono.just(previous.leaseId()) : grant(ttlSeconds));
      } else {
        lease = grant(ttlSeconds);
      }
      return lease.flatMap(leaseId -> {
        boolean sameLease = previous != null && previous.leaseId() == leaseId;
        Mono<Void> write = sameLease ? putIfChanged(key, value, leaseId) : put(key, value, leaseId);
        Mono<Void> releaseOld = previous != null && previous.leaseId() != 0 && !sameLease
            ? revokeQuietly(previous.leaseId())
            : Mono.empty();
        return write
            .then(Mono.fromRunnable(() -> registrations.put(key, new Registration(leaseId, ttlSeconds, value))))
            .then(releaseOld);
      });
    });
  }

  /**
   * Deletes the key of each node of {@code service} and revokes its lease.
   *
   * @return a {@code Mono} that completes once etcd has deleted them, on a jetcd thread; unknown nodes are
   *     not an error
   */
  @Override
  public Mono<Void> deregister(ServiceInfo service) {
    return Flux.fromIterable(service.nodes())
        .concatMap(node -> Mono.defer(() -> {
          String key = nodeKey(service.name(), node.id());
          Registration registration = registrations.remove(key);
          return call("deregister " + service.name(), () -> client.getKVClient().delete(bytes(key)))
              .then(registration != null && registration.leaseId() != 0
                  ? revokeQuietly(registration.leaseId())
                  : Mono.empty());
        }))
        .then();
  }

  /**
   * Reads the keys of service {@code name} and merges their nodes by version.
   *
   * @return a {@code Flux} of one {@link ServiceInfo} per version, emitted on a jetcd thread
   */
  @Override
  public Flux<ServiceInfo> getService(String name) {
    return call("get " + name, () -> client.getKVClient().get(bytes(serviceKey(name)), prefixGet()))
        .flatMapIterable(response -> mergeByVersion(decode(response, name)));
  }

  /**
   * Reads every key under the prefix and merges the nodes by service and version.
   *
   * @return a {@code Flux} of one {@link ServiceInfo} per service and version, emitted on a jetcd thread
   */
  @Override
  public Flux<ServiceInfo> listServices() {
    return call("list", () -> client.getKVClient().get(bytes(prefix), prefixGet()))
        .flatMapIterable(response -> {
          Map<String, List<ServiceInfo>> byName = new LinkedHashMap<>();
          for (ServiceInfo info : decode(response, null)) {
            byName.computeIfAbsent(info.name(), n -> new ArrayList<>()).add(info);
          }
          List<ServiceInfo> all = new ArrayList<>();
          byName.values().forEach(infos -> all.addAll(mergeByVersion(infos)));
          return all;
        });
  }

  /**
   * Watches the keys of {@code service} (or of every service) with an etcd prefix watch. A new key is a
   * {@code CREATE}, a changed description an {@code UPDATE}, a deleted or expired key a {@code DELETE};
   * re-registering a node unchanged reports nothing. The watch is in place shortly after subscription
   * (one round trip to etcd); changes made before that are not reported.
   *
   * @return a {@code Flux} of events on a jetcd thread that never completes on its own; cancelling it
   *     closes the etcd watch. A subscriber that falls {@value #WATCH_BUFFER} events behind receives an
   *     overflow error
   */
  @Override
  public Flux<RegistryEvent> watch(@Nullable String service) {
    ByteSequence key = bytes(service == null ? prefix : serviceKey(service));
    WatchOption option = WatchOption.builder().isPrefix(true).withPrevKV(true).build();
    Flux<RegistryEvent> events = Flux.create(sink -> {
      if (closed.get()) {
        sink.error(closedError());
        return;
      }
      watchers.add(sink);
      Watch.Watcher watcher = client.getWatchClient().watch(key, option, Watch.listener(
          response -> response.getEvents().forEach(event -> {
            RegistryEvent mapped = toEvent(event);
            if (mapped != null && (service == null || mapped.service().name().equals(service))) {
              sink.next(mapped);
            }
          }),
          error -> sink.error(translate("watch", error)),
          sink::complete));
      sink.onDispose(() -> {
        watchers.remove(sink);
        watcher.close();
      });
    }, FluxSink.OverflowStrategy.BUFFER);
    return events.onBackpressureBuffer(WATCH_BUFFER, dropped -> { }, BufferOverflowStrategy.ERROR);
  }

  /**
   * Completes this registry's watches and closes the etcd client if the registry created it; a client
   * given to {@link #builder(Client)} stays open. Later operations fail. Leases are not revoked: the nodes
   * registered through this registry expire with their TTL unless deregistered first.
   *
   * @return a {@code Mono} that completes once closed; closing a client runs on
   *     {@link Schedulers#boundedElastic()} because jetcd waits for its channels to shut down
   */
  @Override
  public Mono<Void> close() {
    return Mono.defer(() -> {
      if (!closed.compareAndSet(false, true)) {
        return Mono.empty();
      }
      watchers.forEach(FluxSink::complete);
      return source.release();
    });
  }

  // --- etcd calls ---

  private Mono<Long> grant(long ttlSeconds) {
    return call("lease grant", () -> client.getLeaseClient().grant(ttlSeconds)).map(r -> r.getID());
  }

  /** Returns whether the lease is still alive after refreshing it. */
  private Mono<Boolean> keepAlive(long leaseId) {
    return call("lease keep-alive", () -> client.getLeaseClient().keepAliveOnce(leaseId))
        .map(response -> response.getTTL() > 0)
        .onErrorResume(EtcdRegistry::leaseNotFound, e -> Mono.just(false));
  }

  private Mono<Void> revokeQuietly(long leaseId) {
    return call("lease revoke", () -> client.getLeaseClient().revoke(leaseId))
        .onErrorResume(e -> Mono.empty())
        .then();
  }

  private Mono<Void> put(String key, byte[] value, long leaseId) {
    return call("register", () -> client.getKVClient().put(bytes(key), ByteSequence.from(value), putOption(leaseId)))
        .then();
  }

  /** Writes the key unless it already holds {@code value}: a renewal then costs no revision or event. */
  private Mono<Void> putIfChanged(String key, byte[] value, long leaseId) {
    ByteSequence k = bytes(key);
    ByteSequence v = ByteSequence.from(value);
    return call("register", () -> client.getKVClient().txn()
        .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(v)))
        .Else(Op.put(k, v, putOption(leaseId)))
        .commit())
        .then();
  }

  private static PutOption putOption(long leaseId) {
    return leaseId == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(leaseId).build();
  }

  private static GetOption prefixGet() {
    return GetOption.builder().isPrefix(true).build();
  }

  /** Calls etcd lazily, bounded by the timeout, with failures as {@link MicroException}s. */
  private <T> Mono<T> call(String what, Supplier<CompletableFuture<T>> call) {
    return Mono.defer(() -> closed.get() ? Mono.<T>error(closedError()) : Mono.fromFuture(call))
        .timeout(timeout)
        .onErrorMap(error -> translate(what, error));
  }

  private static MicroException closedError() {
    return new MicroException(ID, 503, "the etcd registry is closed");
  }

  private Throwable translate(String what, Throwable error) {
    if (error instanceof MicroException) {
      return error;
    }
    Throwable cause = unwrap(error);
    if (cause instanceof TimeoutException) {
      return new MicroException(ID, 503, source.describe() + " did not answer " + what + " within "
          + timeout.toMillis() + " ms", null, cause);
    }
    int code = cause instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.UNAVAILABLE ? 503 : 500;
    return new MicroException(ID, code, source.describe() + ": " + what + " failed: " + cause.getMessage(),
        null, cause);
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static boolean leaseNotFound(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof NoSuchLeaseException || cause instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.NOT_FOUND
          || String.valueOf(cause.getMessage()).contains("lease not found")) {
        return true;
      }
    }
    return false;
  }

  // --- keys and values ---

  private String serviceKey(String service) {
    return prefix + escape(service) + "/";
  }

  private String nodeKey(String service, String nodeId) {
    return serviceKey(service) + escape(nodeId);
  }

  /** Keeps a name to one path segment, as Go Micro does. */
  private static String escape(String segment) {
    return segment.replace('/', '-');
  }

  private static ByteSequence bytes(String key) {
    return ByteSequence.from(key, StandardCharsets.UTF_8);
  }

  private static long seconds(Duration ttl) {
    if (ttl.isZero() || ttl.isNegative()) {
      return 0;
    }
    return Math.max(1, (ttl.toMillis() + 999) / 1000);
  }

  private static List<ServiceInfo> decode(GetResponse response, @Nullable String name) {
    List<ServiceInfo> found = new ArrayList<>(response.getKvs().size());
    for (KeyValue kv : response.getKvs()) {
      ServiceInfo info = ServiceJson.decode(kv.getValue().getBytes());
      if (info != null && (name == null || info.name().equals(name))) {
        found.add(info);
      }
    }
    return found;
  }

  private static List<ServiceInfo> mergeByVersion(List<ServiceInfo> entries) {
    Map<String, ServiceInfo> byVersion = new LinkedHashMap<>();
    Map<String, List<Node>> nodes = new LinkedHashMap<>();
    for (ServiceInfo entry : entries) {
      byVersion.putIfAbsent(entry.version(), entry);
      nodes.computeIfAbsent(entry.version(), v -> new ArrayList<>()).addAll(entry.nodes());
    }
    List<ServiceInfo> merged = new ArrayList<>(byVersion.size());
    byVersion.forEach((version, info) -> merged.add(info.withNodes(nodes.get(version))));
    return merged;
  }

  private @Nullable RegistryEvent toEvent(WatchEvent event) {
    KeyValue current = event.getKeyValue();
    KeyValue previous = event.getPrevKV();
    boolean hadPrevious = previous != null && previous.getVersion() > 0;
    switch (event.getEventType()) {
      case PUT: {
        ServiceInfo info = ServiceJson.decode(current.getValue().getBytes());
        if (info == null) {
          return null;
        }
        if (current.getVersion() > 1 && hadPrevious) {
          if (Arrays.equals(previous.getValue().getBytes(), current.getValue().getBytes())) {
            return null;
          }
          return new RegistryEvent(RegistryEvent.Type.UPDATE, info, Instant.now());
        }
        return new RegistryEvent(RegistryEvent.Type.CREATE, info, Instant.now());
      }
      case DELETE: {
        ServiceInfo info = hadPrevious ? ServiceJson.decode(previous.getValue().getBytes()) : null;
        return new RegistryEvent(RegistryEvent.Type.DELETE, info != null ? info : fromKey(current.getKey()),
            Instant.now());
      }
      default:
        return null;
    }
  }

  /** Describes a deleted node whose value etcd no longer has, from its key alone. */
  private ServiceInfo fromKey(ByteSequence key) {
    String path = key.toString(StandardCharsets.UTF_8);
    String rest = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
    int slash = rest.indexOf('/');
    String service = slash < 0 ? rest : rest.substring(0, slash);
    String nodeId = slash < 0 ? "" : rest.substring(slash + 1);
    return new ServiceInfo(service, "", Map.of(), List.of(), List.of(Node.of(nodeId, "")));
  }

  /** Builds an {@link EtcdRegistry}. Builders are not thread-safe; registries are. */
  public static final class Builder {
    private final Function<Duration, ClientSource<Client>> source;
    private String prefix = DEFAULT_PREFIX;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder(Function<Duration, ClientSource<Client>> source) {
      this.source = source;
    }

    /**
     * Sets the key prefix, {@value EtcdRegistry#DEFAULT_PREFIX} by default; a {@code /} is appended when missing.
     *
     * @param prefix the prefix
     * @return this builder
     */
    public Builder prefix(String prefix) {
      if (Objects.requireNonNull(prefix, "prefix").isEmpty()) {
        throw new IllegalArgumentException("the key prefix must not be empty");
      }
      this.prefix = prefix;
      return this;
    }

    /**
     * Sets how long a single call to etcd may take before it fails, {@code 5 s} by default; a client the
     * registry creates also takes it as its connect timeout and longest retry.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("the timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Returns the registry; it connects to etcd on its first operation.
     *
     * @return the registry
     */
    public EtcdRegistry build() {
      return new EtcdRegistry(this, source.apply(timeout));
    }
  }
}
