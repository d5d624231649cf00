package io.reactivemicro.broker.rsocket;

import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.Message;
import io.reactivemicro.broker.SubscribeOptions;
import io.reactivemicro.broker.spi.Topics;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.broker.spi.MessageEnvelope;
import io.reactivemicro.metadata.Metadata;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.ServiceInfo;
import io.reactivemicro.server.Handler;
import io.reactivemicro.server.Server;
import io.reactivemicro.transport.spi.ClientTransport;
import io.reactivemicro.transport.ConnectionFailedException;
import io.reactivemicro.transport.spi.OutboundRequest;
import io.reactivemicro.transport.spi.Transport;
import io.reactivemicro.transport.TransportOptions;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * A broker that needs no infrastructure, as Go Micro's default HTTP broker: each subscription registers
 * itself in the registry as a node of the service {@value #SERVICE}, with its topic and queue in the node
 * metadata and the address of this broker's own RSocket server (started on the first subscription);
 * publishing looks the topic's subscriptions up and sends the message to each of them, and to one member,
 * chosen at random, of each queue group, as an RSocket request-response to the endpoint
 * {@code Broker.Deliver}. Registrations have a TTL of 30 s and are renewed every 10 s while the
 * subscription lasts; cancelling deregisters.
 *
 * <p>Delivery is at most once: a subscriber that cannot be reached misses the message (the failure is
 * logged, and publishing still completes); for a queue group, a member that cannot be reached or no longer
 * has the subscription is skipped for another before the message is handed over. Nothing is kept for
 * subscribers that come later. Each subscription holds at most {@link SubscribeOptions#bufferSize()}
 * messages its subscriber has not requested, then applies its {@link io.reactivemicro.broker.Overflow}
 * policy. Publishing completes once every chosen subscriber has taken the message into its buffer.
 *
 * <pre>{@code
 * Broker broker = RSocketBroker.builder(registry).address(":0").build();
 * broker.subscribe("orders", SubscribeOptions.defaults().withQueue("billing")).subscribe(...);
 * broker.publish("orders", Message.of(bytes)).block();
 * }</pre>
 */
public final class RSocketBroker implements Broker {

  /** The registry service under which subscriptions register. */
  public static final String SERVICE = "micro.broker";

  private static final String ID = "io.reactivemicro.broker.rsocket";
  private static final Logger LOG = Loggers.getLogger(RSocketBroker.class);
  private static final String ENDPOINT = "Broker.Deliver";
  private static final String SUBSCRIPTION_HEADER = "Micro-Subscription";
  private static final String CONTENT_TYPE = "application/octet-stream";
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration RENEW = Duration.ofSeconds(10);
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);

  private final Registry registry;
  private final boolean ownsRegistry;
  private final Server server;
  private final ClientTransport transport;
  private final Mono<String> started;
  private final Map<String, FluxSink<Message>> subscriptions = new ConcurrentHashMap<>();

  private RSocketBroker(Registry registry, String address, TransportOptions options, boolean ownsRegistry) {
    this.registry = registry;
    this.ownsRegistry = ownsRegistry;
    Transport chosen = Transport.load();
    this.server = Server.builder(SERVICE).address(address).handler(new Inbox()).transport(chosen)
        .transportOptions(options).build();
    this.transport = chosen.client(options);
    this.started = server.start()
        .then(Mono.fromCallable(() -> advertised(server.address())).subscribeOn(Schedulers.boundedElastic()))
        .cache(a -> Duration.ofMillis(Long.MAX_VALUE), e -> Duration.ZERO, () -> Duration.ZERO);
  }

  /**
   * Returns a builder of a broker whose subscriptions register in {@code registry}, where publishers find
   * them. The registry stays the application's: {@link #close()} deregisters the broker's subscriptions and
   * leaves the registry open.
   *
   * @param registry the registry, shared with the services that publish and subscribe
   * @return the builder
   * @throws NullPointerException when {@code registry} is null
   */
  public static Builder builder(Registry registry) {
    return new Builder(Objects.requireNonNull(registry, "registry"));
  }

  @Override
  public String name() {
    return "rsocket";
  }

  @Override
  public Mono<Void> publish(String topic, Message message) {
    return Mono.defer(() -> {
      Topics.check(ID, topic);
      byte[] envelope = MessageEnvelope.encode(message);
      return registry.getService(SERVICE)
          .flatMapIterable(ServiceInfo::nodes)
          .filter(node -> topic.equals(node.metadata().get("topic")))
          .collectList()
          .flatMap(nodes -> {
            List<Mono<Void>> sends = new ArrayList<>();
            Map<String, List<Node>> groups = new LinkedHashMap<>();
            for (Node node : nodes) {
              String queue = node.metadata().get("queue");
              if (queue == null || queue.isEmpty()) {
                sends.add(send(node, envelope).onErrorResume(e -> {
                  LOG.warn("a subscriber of {} at {} missed a message: {}", topic, node.address(), e.toString());
                  return Mono.empty();
                }));
              } else {
                groups.computeIfAbsent(queue, q -> new ArrayList<>()).add(node);
              }
            }
            groups.forEach((queue, members) -> {
              List<Node> shuffled = new ArrayList<>(members);
              Collections.shuffle(shuffled);
              sends.add(sendToOne(shuffled, 0, envelope).onErrorResume(e -> {
                LOG.warn("no member of queue {} of {} took a message: {}", queue, topic, e.toString());
                return Mono.empty();
              }));
            });
            return Mono.when(sends);
          });
    });
  }

  private Mono<Void> sendToOne(List<Node> members, int index, byte[] envelope) {
    return send(members.get(index), envelope).onErrorResume(
        e -> index + 1 < members.size() && notDelivered(e),
        e -> sendToOne(members, index + 1, envelope));
  }

  /** Returns whether an error means the message was surely not handed to the subscriber. */
  private static boolean notDelivered(Throwable error) {
    return error instanceof ConnectionFailedException
        || error instanceof MicroException m && (m.code() == 404 || m.code() == 503);
  }

  private Mono<Void> send(Node node, byte[] envelope) {
    OutboundRequest request = new OutboundRequest(ENDPOINT, CONTENT_TYPE,
        Metadata.of(SUBSCRIPTION_HEADER, node.id()), envelope);
    return transport.requestResponse(node.address(), request, data -> null)
        .timeout(SEND_TIMEOUT, Mono.error(() -> MicroException.timeout(ID, "delivering to %s timed out", node.address())))
        .then();
  }

  @Override
  public Flux<Message> subscribe(String topic, SubscribeOptions options) {
    return Flux.defer(() -> {
      Topics.check(ID, topic);
      // Not UUID.randomUUID(): it may block on the system's entropy, and this may run on an event loop.
      ThreadLocalRandom random = ThreadLocalRandom.current();
      String id = SERVICE + "-" + new UUID(random.nextLong(), random.nextLong());
      Flux<Message> source = started.flatMapMany(address -> Flux.<Message>create(sink -> {
        subscriptions.put(id, sink);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("topic", topic);
        metadata.put("queue", options.queue() == null ? "" : options.queue());
        metadata.put("broker", "rsocket");
        ServiceInfo info = new ServiceInfo(SERVICE, "latest", Map.of(), List.of(),
            List.of(new Node(id, address, metadata)));
        Disposable renewal = Flux.interval(RENEW, RENEW)
            // A renewal slower than the interval skips the ticks it overran instead of failing the loop.
            .onBackpressureDrop()
            .concatMap(tick -> registry.register(info, TTL).onErrorResume(e -> {
              LOG.warn("renewing the subscription to {} failed, will try again: {}", topic, e.toString());
              return Mono.empty();
            }))
            .subscribe();
        sink.onDispose(() -> {
          renewal.dispose();
          subscriptions.remove(id);
          registry.deregister(info).subscribe(v -> { },
              e -> LOG.warn("deregistering the subscription to {} failed: {}", topic, e.toString()));
        });
        registry.register(info, TTL).subscribe(v -> { }, sink::error, options.onActive());
      }, FluxSink.OverflowStrategy.BUFFER));
      return options.overflow().bound(source, options.bufferSize(), topic);
    });
  }

  /**
   * Ends the open subscriptions (deregistering them), stops the server and closes the connections; the
   * registry given to {@link #builder(Registry)} stays open.
   *
   * @return a {@code Mono} that completes once closed
   */
  @Override
  public Mono<Void> close() {
    return Mono.defer(() -> {
      List.copyOf(subscriptions.values()).forEach(FluxSink::complete);
      return server.stop(Duration.ofSeconds(1))
          .then(Mono.defer(() -> ownsRegistry ? registry.close() : Mono.<Void>empty()))
          // The client connections are closed whether or not the steps before failed.
          .onErrorResume(e -> transport.close().then(Mono.error(e)))
          .then(transport.close());
    });
  }

  /** Returns the address to register: a wildcard host becomes this machine's address. */
  static String advertised(String bound) throws SocketException {
    int colon = bound.lastIndexOf(':');
    String host = bound.substring(0, colon);
    String port = bound.substring(colon + 1);
    if (!host.isEmpty() && !host.equals("0.0.0.0") && !host.equals("::") && !host.equals("[::]")) {
      return bound;
    }
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && address.isSiteLocalAddress()) {
          return address.getHostAddress() + ":" + port;
        }
      }
    }
    return "127.0.0.1:" + port;
  }

  /** Builds an {@link RSocketBroker}. */
  public static final class Builder {
    private final Registry registry;
    private String address = ":0";
    private TransportOptions transportOptions = TransportOptions.defaults();
    private boolean ownsRegistry;

    private Builder(Registry registry) {
      this.registry = registry;
    }

    /**
     * Sets the address the broker's server binds, {@code :0} (any free port, on every interface) by default.
     *
     * @param address such as {@code :0} or {@code 10.0.0.5:9000}
     * @return this builder
     */
    public Builder address(String address) {
      if (Objects.requireNonNull(address, "address").isBlank()) {
        throw new IllegalArgumentException("the broker's address must not be blank");
      }
      this.address = address.trim();
      return this;
    }

    /**
     * Sets the transport options of the broker's server and of its connections to other brokers (TLS,
     * limits, timeouts); {@link TransportOptions#defaults()} unless set.
     *
     * @param options the options
     * @return this builder
     */
    public Builder transportOptions(TransportOptions options) {
      this.transportOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Makes the broker close its registry when it closes, for a registry made for the broker alone (as
     * the provider makes one from settings); by default the registry is left open.
     *
     * @return this builder
     */
    public Builder ownsRegistry() {
      this.ownsRegistry = true;
      return this;
    }

    /**
     * Returns the broker; its server starts with the first subscription.
     *
     * @return the broker
     */
    public RSocketBroker build() {
      return new RSocketBroker(registry, address, transportOptions, ownsRegistry);
    }
  }

  /** The endpoint {@code Broker.Deliver}: hands a message to the subscription named in its metadata. */
  @Handler("Broker")
  final class Inbox {

    /** Takes a message envelope into its subscription's buffer. */
    public Mono<Void> deliver(byte[] envelope) {
      return Metadata.current().flatMap(metadata -> {
        String id = metadata.get(SUBSCRIPTION_HEADER);
        FluxSink<Message> sink = id == null ? null : subscriptions.get(id);
        if (sink == null) {
          return Mono.error(MicroException.notFound(ID, "no subscription %s here", String.valueOf(id)));
        }
        sink.next(MessageEnvelope.decode(envelope));
        return Mono.empty();
      });
    }
  }
}
