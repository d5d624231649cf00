package io.reactivemicro;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.client.Client;
import io.reactivemicro.client.ClientInterceptor;
import io.reactivemicro.codec.Codecs;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.ServiceInfo;
import io.reactivemicro.server.Server;
import io.reactivemicro.server.ServerInterceptor;
import io.reactivemicro.store.Store;
import io.reactivemicro.stream.Stream;
import io.reactivemicro.sync.Sync;
import io.reactivemicro.transport.TransportOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A microservice: a name, a version, metadata, handlers served on an address, registered in a registry
 * while it runs, and a client for calling other services.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   Service.builder("helloworld")
 *       .address(":8080")
 *       .handler(new Helloworld())
 *       .build()
 *       .run();
 * }
 * }</pre>
 */
public interface Service {

  /**
   * Returns a builder.
   *
   * @param name the service name, such as {@code helloworld}
   * @return a builder
   */
  static Builder builder(String name) {
    return new Builder(name);
  }

  /** Returns the service name. */
  String name();

  /** Returns the service version. */
  String version();

  /**
   * Returns the address the service is bound to once started, as {@code host:port} (the port chosen by
   * the system when the configured one is {@code 0}); before, the configured address.
   */
  String address();

  /** Returns the server. */
  Server server();

  /** Returns the client, which shares the service's registry and codecs. */
  Client client();

  /** Returns the registry the service registers in. */
  Registry registry();

  /** Returns the broker the service's subscribers and its client's {@code publish} use. */
  Broker broker();

  /**
   * Returns the service's store: by default the one the settings choose ({@code MICRO_STORE}, memory when
   * none), scoped to the database {@code store_database} ({@code micro}) and a table named after the
   * service, as in Go Micro.
   */
  Store store();

  /**
   * Returns the service's durable event streams: by default the ones the settings choose
   * ({@code MICRO_STREAM}, {@code MICRO_STREAM_ADDRESS}), else the JVM-wide in-memory stream. The service
   * closes a stream it created from the settings when it stops, after its calls have drained.
   */
  Stream stream();

  /**
   * Returns the service's locks and leader elections: by default the ones the settings choose
   * ({@code MICRO_SYNC}, memory when none). The service closes a sync it created when it stops; like a
   * crash, closing releases nothing, so locks and leaderships still held expire with their TTL. Release
   * them (unlock, resign, cancel {@code elect}) before stopping to hand over at once.
   */
  Sync sync();

  /** Returns what the service registers: its endpoints and, once started, its node. */
  ServiceInfo info();

  /**
   * Starts the server and registers the service, then keeps re-registering it before its TTL runs out.
   *
   * <p>Nothing happens until the {@code Mono} is subscribed. It binds the port, starts the
   * {@code @Subscribe} subscriptions, resolves the address to advertise (on
   * {@code Schedulers.boundedElastic()}, as a host name look-up may block) and registers; it completes
   * on the registry's thread, or fails with the first error (a port in use, an unreachable registry),
   * and the service then serves nothing. Cancelling it mid-way leaves what was started running: call
   * {@link #stop()} to release it. From a {@code main} method, {@link #run()} starts, blocks until the JVM
   * is asked to stop, then stops.
   *
   * @return a {@code Mono} that completes once the service is registered and serving
   */
  Mono<Void> start();

  /**
   * Stops gracefully: deregisters, stops accepting connections, lets calls in flight finish within the
   * drain timeout, closes connections and the client.
   *
   * @return a {@code Mono} that completes once stopped
   */
  Mono<Void> stop();

  /**
   * Starts the service and blocks the calling thread until the JVM is asked to stop (SIGINT, SIGTERM),
   * then stops gracefully. Meant for {@code main} methods.
   *
   * @throws IllegalStateException when called on a non-blocking thread
   */
  void run();

  /** Builds the default {@link Service}. */
  final class Builder {
    final String name;
    String version = "latest";
    final Map<String, String> metadata = new LinkedHashMap<>();
    @Nullable String address;
    Settings settings = Settings.fromEnvironment();
    final List<Object> handlers = new ArrayList<>();
    final List<Object> subscribers = new ArrayList<>();
    @Nullable Broker broker;
    @Nullable Store store;
    @Nullable Sync sync;
    @Nullable Stream stream;
    final List<ServerInterceptor> serverInterceptors = new ArrayList<>();
    final List<ClientInterceptor> clientInterceptors = new ArrayList<>();
    @Nullable Registry registry;
    Duration registerTtl = Duration.ofSeconds(30);
    Duration registerInterval = Duration.ofSeconds(10);
    Duration drainTimeout = Duration.ofSeconds(10);
    Codecs codecs = Codecs.defaults();
    TransportOptions transportOptions = TransportOptions.defaults();

    Builder(String name) {
      if (Objects.requireNonNull(name, "name").isBlank()) {
        throw new IllegalArgumentException("a service needs a name");
      }
      this.name = name;
    }

    /** Sets the version; {@code latest} by default. */
    public Builder version(String version) {
      this.version = Objects.requireNonNull(version, "version");
      return this;
    }

    /** Adds a metadata entry, registered with the service and on its node (for selector filters). */
    public Builder metadata(String key, String value) {
      metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets the address: {@code host:port}, {@code :port} for every interface. By default the setting
     * {@code server_address} ({@code MICRO_SERVER_ADDRESS}, {@code --server_address}), else {@code :0}, any
     * free port.
     */
    public Builder address(String address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /** Adds a handler: each of its public methods returning {@code Mono} or {@code Flux} becomes an endpoint. */
    public Builder handler(Object handler) {
      handlers.add(Objects.requireNonNull(handler, "handler"));
      return this;
    }

    /**
     * Adds a subscriber: each of its public {@link io.reactivemicro.broker.Subscribe} methods handles the
     * messages of a topic while the service runs.
     *
     * @throws IllegalArgumentException at {@link #build()} when it has no such method or one cannot be called
     */
    public Builder subscriber(Object subscriber) {
      subscribers.add(Objects.requireNonNull(subscriber, "subscriber"));
      return this;
    }

    /**
     * Sets the broker. By default the one the settings choose ({@code MICRO_BROKER}, {@code --broker}),
     * which the service then closes when it stops; else the JVM-wide memory broker.
     */
    public Builder broker(Broker broker) {
      this.broker = Objects.requireNonNull(broker, "broker");
      return this;
    }

    /**
     * Sets the store. By default {@link Store#forService(String, Settings)}: the store the settings choose
     * ({@code MICRO_STORE}, {@code MICRO_STORE_ADDRESS}...; memory when none), scoped to the service, which
     * the service closes when it stops.
     */
    public Builder store(Store store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Sets the durable event streams. By default {@link Stream#fromSettings(Settings)}: the backend the
     * settings choose ({@code MICRO_STREAM}, {@code MICRO_STREAM_ADDRESS}), which the service closes when
     * it stops; else the JVM-wide in-memory stream.
     */
    public Builder stream(Stream stream) {
      this.stream = Objects.requireNonNull(stream, "stream");
      return this;
    }

    /**
     * Sets the locks and elections. By default {@link Sync#fromSettings(Settings)}: the backend the
     * settings choose ({@code MICRO_SYNC}, {@code MICRO_SYNC_ADDRESS}; memory when none), which the service
     * closes when it stops.
     */
    public Builder sync(Sync sync) {
      this.sync = Objects.requireNonNull(sync, "sync");
      return this;
    }

    /** Adds a server interceptor; the first added is the outermost. */
    public Builder serverInterceptor(ServerInterceptor interceptor) {
      serverInterceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** Adds a client interceptor, for the service's own outgoing calls; the first added is the outermost. */
    public Builder clientInterceptor(ClientInterceptor interceptor) {
      clientInterceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Sets the registry. By default the one the settings choose ({@code MICRO_REGISTRY},
     * {@code --registry}), which the service then closes when it stops; else the JVM-wide memory registry.
     */
    public Builder registry(Registry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Sets where backends chosen without code come from; by default the {@code MICRO_*} environment
     * variables. Values set on this builder win over them.
     */
    public Builder settings(Settings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Reads Go Micro's flags from a {@code main} method's arguments, such as
     * {@code --registry=etcd --registry_address=10.0.0.1:2379 --server_address=:8080}, over the
     * {@code MICRO_*} environment variables. Other arguments are ignored.
     */
    public Builder args(String... args) {
      return settings(Settings.fromEnvironment(args));
    }

    /** Sets how long a registration lasts (30 s by default) and how often it is renewed (10 s by default). */
    public Builder registerTtl(Duration ttl, Duration interval) {
      if (interval.compareTo(ttl) >= 0) {
        throw new IllegalArgumentException("the register interval must be shorter than the TTL");
      }
      this.registerTtl = ttl;
      this.registerInterval = interval;
      return this;
    }

    /** Sets how long a graceful stop waits for calls in flight; 10 s by default. */
    public Builder drainTimeout(Duration timeout) {
      this.drainTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Sets the codecs of the server and client; {@link Codecs#defaults()} by default. */
    public Builder codecs(Codecs codecs) {
      this.codecs = Objects.requireNonNull(codecs, "codecs");
      return this;
    }

    /** Sets the transport options of the server and client. */
    public Builder transportOptions(TransportOptions options) {
      this.transportOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Builds the service, reflecting on the handlers once.
     *
     * @return the service, not yet started
     */
    public Service build() {
      return new DefaultService(this);
    }
  }
}
