package io.reactivemicro;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.client.Client;
import io.reactivemicro.internal.subscribe.Subscribers;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.ServiceInfo;
import io.reactivemicro.server.Server;
import io.reactivemicro.store.Store;
import io.reactivemicro.stream.Stream;
import io.reactivemicro.sync.Sync;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/** The default service: server, client, registration and graceful stop. */
final class DefaultService implements Service {

  private static final Logger LOG = Loggers.getLogger(DefaultService.class);

  private final String name;
  private final String version;
  private final Map<String, String> metadata;
  private final String nodeId;
  private final Registry registry;
  private final boolean ownsRegistry;
  private final Duration registerTtl;
  private final Duration registerInterval;
  private final Duration drainTimeout;
  private final Server server;
  private final Client client;
  private final Broker broker;
  private final boolean ownsBroker;
  private final Subscribers subscribers;
  private final Store store;
  private final boolean ownsStore;
  private final Stream stream;
  private final boolean ownsStream;
  private final Sync sync;
  private final boolean ownsSync;
  private volatile @Nullable Node node;
  private volatile @Nullable Disposable renewal;

  DefaultService(Builder builder) {
    this.name = builder.name;
    this.version = builder.version;
    this.metadata = Map.copyOf(builder.metadata);
    this.nodeId = name + "-" + UUID.randomUUID();
    this.ownsRegistry = builder.registry == null && builder.settings.get("registry").isPresent();
    this.registry = builder.registry != null ? builder.registry : Registry.fromSettings(builder.settings);
    String address = builder.address != null ? builder.address
        : builder.settings.get("server_address").orElse(":0");
    this.registerTtl = builder.registerTtl;
    this.registerInterval = builder.registerInterval;
    this.drainTimeout = builder.drainTimeout;
    this.server = Server.builder(name).address(address).handlers(builder.handlers)
        .interceptors(builder.serverInterceptors).codecs(builder.codecs)
        .transportOptions(builder.transportOptions).build();
    this.ownsBroker = builder.broker == null && builder.settings.get("broker").isPresent();
    this.broker = builder.broker != null ? builder.broker : Broker.fromSettings(builder.settings);
    this.subscribers = new Subscribers(name, broker, builder.codecs, builder.subscribers);
    this.ownsStore = builder.store == null;
    this.store = builder.store != null ? builder.store : Store.forService(name, builder.settings);
    this.ownsStream = builder.stream == null && builder.settings.get("stream").isPresent();
    this.stream = builder.stream != null ? builder.stream : Stream.fromSettings(builder.settings);
    this.ownsSync = builder.sync == null;
    this.sync = builder.sync != null ? builder.sync : Sync.fromSettings(builder.settings);
    this.client = Client.builder().registry(registry).broker(broker).codecs(builder.codecs)
        .transportOptions(builder.transportOptions).interceptors(builder.clientInterceptors).id(name).build();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public String address() {
    return server.address();
  }

  @Override
  public Server server() {
    return server;
  }

  @Override
  public Client client() {
    return client;
  }

  @Override
  public Registry registry() {
    return registry;
  }

  @Override
  public Broker broker() {
    return broker;
  }

  @Override
  public Store store() {
    return store;
  }

  @Override
  public Stream stream() {
    return stream;
  }

  @Override
  public Sync sync() {
    return sync;
  }

  @Override
  public ServiceInfo info() {
    Node current = node;
    return new ServiceInfo(name, version, metadata, server.endpoints(),
        current == null ? List.of() : List.of(current));
  }

  @Override
  public Mono<Void> start() {
    return server.start()
        .then(Mono.defer(subscribers::start))
        .then(Mono.fromCallable(() -> advertised(server.address())).subscribeOn(Schedulers.boundedElastic()))
        .flatMap(address -> {
          // The service's metadata goes on its node too, as Go Micro's server does, so that selector
          // filters (canary, A/B) tell apart nodes of one version.
          Map<String, String> nodeMetadata = new HashMap<>(metadata);
          nodeMetadata.put("transport", "rsocket");
          nodeMetadata.put("protocols", "rsocket,http,websocket");
          node = new Node(nodeId, address, nodeMetadata);
          return registry.register(info(), registerTtl);
        })
        .doOnSuccess(v -> {
          renewal = Flux.interval(registerInterval, registerInterval)
              // A renewal slower than the interval skips the ticks it overran instead of failing the loop.
              .onBackpressureDrop()
              .concatMap(tick -> registry.register(info(), registerTtl)
                  .onErrorResume(e -> {
                    LOG.warn("service {}: re-registering failed, will try again: {}", name, e.toString());
                    return Mono.empty();
                  }))
              .subscribe();
          LOG.info("service {} {} registered as {} at {}", name, version, nodeId, info().nodes());
        });
  }

  @Override
  public Mono<Void> stop() {
    return Mono.defer(() -> {
      Disposable renewing = renewal;
      if (renewing != null) {
        renewing.dispose();
      }
      Mono<Void> deregister = node == null ? Mono.empty()
          : registry.deregister(info()).onErrorResume(e -> {
            LOG.warn("service {}: deregistering failed: {}", name, e.toString());
            return Mono.empty();
          });
      // Deregistered first, so callers stop choosing this node; then subscriptions stop and calls drain,
      // letting the messages and calls in flight finish.
      return deregister
          .then(subscribers.stop(drainTimeout))
          .then(server.stop(drainTimeout))
          .then(closeOwned(ownsRegistry, "registry " + registry.name(), registry::close))
          .then(closeOwned(ownsBroker, "broker " + broker.name(), broker::close))
          .then(closeOwned(ownsStream, "stream", stream::close))
          .then(closeOwned(ownsStore, "store", store::close))
          .then(closeOwned(ownsSync, "sync", sync::close))
          // The client is closed whatever failed before, and before completion is signalled: run() lets
          // the JVM exit as soon as stop() completes.
          .onErrorResume(e -> closeOwned(true, "client", client::close).then(Mono.error(e)))
          .then(closeOwned(true, "client", client::close))
          .doOnTerminate(() -> {
            node = null;
            LOG.info("service {} stopped", name);
          });
    });
  }

  /** Closes what the service created from its settings, logging rather than failing the stop. */
  private Mono<Void> closeOwned(boolean owned, String what, Supplier<Mono<Void>> close) {
    if (!owned) {
      return Mono.empty();
    }
    return Mono.defer(close).onErrorResume(e -> {
      LOG.warn("service {}: closing {} failed: {}", name, what, e.toString());
      return Mono.empty();
    });
  }

  @Override
  public void run() {
    if (Schedulers.isInNonBlockingThread()) {
      throw new IllegalStateException("Service.run() blocks; call it from main, or use start() and stop()");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      try {
        stop().toFuture().get();
      } catch (Exception e) {
        LOG.warn("service {}: stopping failed", name, e);
      } finally {
        stopped.countDown();
      }
    }, name + "-shutdown");
    start().toFuture().join();
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Returns the address to register: a wildcard host becomes this machine's address. */
  static String advertised(String bound) throws SocketException {
    int colon = bound.lastIndexOf(':');
    String host = bound.substring(0, colon);
    String port = bound.substring(colon + 1);
    if (!host.isEmpty() && !host.equals("0.0.0.0") && !host.equals("::") && !host.equals("[::]")) {
      return bound;
    }
    return hostAddress() + ":" + port;
  }

  private static String hostAddress() throws SocketException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && address.isSiteLocalAddress()) {
          return address.getHostAddress();
        }
      }
    }
    return "127.0.0.1";
  }
}
