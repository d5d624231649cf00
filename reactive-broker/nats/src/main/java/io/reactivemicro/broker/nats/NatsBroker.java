package io.reactivemicro.broker.nats;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.MessageHandler;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.reactivemicro.broker.Broker;
import io.reactivemicro.broker.Message;
import io.reactivemicro.broker.SubscribeOptions;
import io.reactivemicro.broker.spi.Topics;
import io.reactivemicro.errors.MicroException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A broker over NATS core: a topic is a subject, a queue is a NATS queue group, headers are NATS message
 * headers (NATS 2.2 or later; a value that is not printable ASCII travels as an RFC 2047 encoded-word). Delivery is at most once: a subscriber that is not connected when a
 * message is published never gets it.
 *
 * <p>NATS core cannot slow a publisher down, so each subscription holds at most
 * {@link SubscribeOptions#bufferSize()} messages its subscriber has not requested and then applies its
 * {@link io.reactivemicro.broker.Overflow} policy (dropping the oldest by default). jnats's blocking calls
 * (connecting, publishing into its outgoing buffer, flushing, subscribing, closing) run on
 * {@link Schedulers#boundedElastic()}; messages arrive on one jnats dispatcher thread shared by all the
 * subscriptions of the broker. The connection is made on first use and reconnects on its own.
 *
 * <pre>{@code
 * Broker broker = NatsBroker.builder(List.of("nats://127.0.0.1:4222")).build();
 * broker.subscribe("orders", SubscribeOptions.defaults().withQueue("billing")).subscribe(...);
 * }</pre>
 */
public final class NatsBroker implements Broker {

  private static final String ID = "io.reactivemicro.broker.nats";
  private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);
  private static final String ENCODED_PREFIX = "=?UTF-8?B?";

  private record Conn(Connection connection, Dispatcher dispatcher) {}

  private final NatsConnectionSource source;
  private final Object lock = new Object();
  // Guarded by lock.
  private @Nullable Conn opened;
  private final Mono<Conn> connection;
  private final Set<FluxSink<Message>> sinks = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private NatsBroker(NatsConnectionSource source) {
    this.source = source;
    this.connection = source.connection()
        .onErrorMap(e -> !(e instanceof MicroException), e -> new MicroException(ID, 503,
            "cannot connect to NATS " + source.describe() + ": " + e.getMessage(), "Service Unavailable", e))
        .publishOn(Schedulers.boundedElastic())
        .map(this::open)
        .cache(c -> Duration.ofMillis(Long.MAX_VALUE), e -> Duration.ZERO, () -> Duration.ZERO);
  }

  /**
   * Returns a builder of a broker on the NATS servers at {@code addresses}, with a connection of its own,
   * made on first use, that reconnects for ever and that {@link #close()} closes. Like every NATS and etcd
   * backend, it takes a list of addresses: the servers of one cluster, tried in turn.
   *
   * @param addresses {@code host:port} or {@code nats://host:port}, at least one
   * @return the builder
   * @throws NullPointerException when the list or an address is null
   * @throws IllegalArgumentException when the list is empty or an address is blank
   */
  public static Builder builder(List<String> addresses) {
    Options options = new Options.Builder()
        .servers(NatsConnectionSource.servers(addresses).toArray(String[]::new))
        .connectionTimeout(Duration.ofSeconds(5))
        .maxReconnects(-1)
        .build();
    return new Builder(() -> NatsConnectionSource.own(options));
  }

  /**
   * Returns a builder like {@link #builder(List)}, whose broker runs on the connection shared by every NATS
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
    return new Builder(() -> NatsConnectionSource.shared(servers));
  }

  /**
   * Returns a builder of a broker on an application's jnats connection, for TLS, credentials or any other
   * jnats option, or to share one connection between the broker, the NATS registry and the JetStream
   * stream. The broker subscribes through a dispatcher of its own, which {@link #close()} closes, and leaves
   * the connection open: the application closes it after the last backend using it has closed.
   *
   * <pre>{@code
   * Connection nats = Nats.connect(new Options.Builder().server("nats://10.0.0.1:4222").build());
   * Registry registry = NatsRegistry.builder(nats).build();
   * Broker broker = NatsBroker.builder(nats).build();
   * Stream stream = JetStreamStream.builder(nats).build();
   * // ... and when done:
   * Mono.when(registry.close(), broker.close(), stream.close()).block();
   * nats.close();
   * }</pre>
   *
   * @param connection the connection
   * @return the builder
   * @throws NullPointerException when {@code connection} is null
   */
  public static Builder builder(Connection connection) {
    NatsConnectionSource source = NatsConnectionSource.given(connection);
    return new Builder(() -> source);
  }

  /** Creates the broker's dispatcher on the connection, once; blocking, so on boundedElastic. */
  private Conn open(Connection c) {
    synchronized (lock) {
      if (closed) {
        throw MicroException.serviceUnavailable(ID, "the NATS broker is closed");
      }
      Conn current = opened;
      if (current == null || current.connection() != c) {
        current = new Conn(c, c.createDispatcher());
        opened = current;
      }
      return current;
    }
  }

  @Override
  public String name() {
    return "nats";
  }

  @Override
  public Mono<Void> publish(String topic, Message message) {
    return Mono.defer(() -> {
      Topics.check(ID, topic);
      Headers headers = null;
      if (!message.headers().isEmpty()) {
        headers = new Headers();
        try {
          for (Map.Entry<String, String> header : message.headers().entrySet()) {
            headers.put(header.getKey(), encodeValue(header.getValue()));
          }
        } catch (IllegalArgumentException e) {
          throw MicroException.badRequest(ID, "invalid NATS header: %s", e.getMessage());
        }
      }
      Headers toSend = headers;
      return connection.publishOn(Schedulers.boundedElastic())
          .doOnNext(c -> c.connection().publish(topic, toSend, message.body()))
          .then();
    });
  }

  @Override
  public Flux<Message> subscribe(String topic, SubscribeOptions options) {
    return Flux.defer(() -> {
      Topics.check(ID, topic);
      Flux<Message> source = connection.publishOn(Schedulers.boundedElastic()).flatMapMany(c ->
          Flux.<Message>create(sink -> {
            MessageHandler handler = m -> sink.next(toMessage(m));
            Subscription subscription = options.queue() == null
                ? c.dispatcher().subscribe(topic, handler)
                : c.dispatcher().subscribe(topic, options.queue(), handler);
            sinks.add(sink);
            sink.onDispose(() -> Schedulers.boundedElastic().schedule(() -> {
              if (c.dispatcher().isActive()) {
                c.dispatcher().unsubscribe(subscription);
              }
              sinks.remove(sink);
            }));
            // The subscription is active once the server has processed it: a flush round trip. jnats allows
            // only a couple of pings in flight on a connection (more make it reconnect), so flushes take turns,
            // on the connection's monitor, which jnats does not use, as every backend on a shared connection does.
            try {
              synchronized (c.connection()) {
                c.connection().flush(FLUSH_TIMEOUT);
              }
              options.onActive().run();
            } catch (Exception e) {
              if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
              }
              sink.error(MicroException.serviceUnavailable(ID, "NATS did not confirm the subscription to %s: %s",
                  topic, e.toString()));
            }
          }, FluxSink.OverflowStrategy.BUFFER));
      return options.overflow().bound(source, options.bufferSize(), topic);
    });
  }

  private static Message toMessage(io.nats.client.Message message) {
    Map<String, String> headers = new LinkedHashMap<>();
    Headers received = message.getHeaders();
    if (received != null) {
      received.forEach((key, values) -> headers.put(key, values.isEmpty() ? "" : decodeValue(values.get(0))));
    }
    byte[] data = message.getData();
    return new Message(headers, data == null ? new byte[0] : data);
  }

  /** Returns how many subscriptions are open on the server, to check that cancelling releases them. */
  int openSubscriptions() {
    return sinks.size();
  }

  /**
   * Returns a header value NATS can carry: printable ASCII as it is; anything else as a MIME encoded-word
   * ({@code =?UTF-8?B?<base64>?=}, RFC 2047), which {@link #decodeValue} reverses.
   */
  static String encodeValue(String value) {
    boolean plain = !value.startsWith(ENCODED_PREFIX);
    for (int i = 0; plain && i < value.length(); i++) {
      char ch = value.charAt(i);
      plain = ch >= 0x20 && ch < 0x7F;
    }
    return plain ? value
        : ENCODED_PREFIX + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "?=";
  }

  static String decodeValue(String value) {
    if (value.startsWith(ENCODED_PREFIX) && value.endsWith("?=") && value.length() >= ENCODED_PREFIX.length() + 2) {
      try {
        return new String(Base64.getDecoder().decode(
            value.substring(ENCODED_PREFIX.length(), value.length() - 2)), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return value;
      }
    }
    return value;
  }

  /**
   * Ends the open subscriptions and closes the broker's dispatcher, on {@link Schedulers#boundedElastic()},
   * then closes the connection if the broker made it; a connection given to {@link #builder(Connection)}
   * stays open.
   *
   * @return a {@code Mono} that completes once closed
   */
  @Override
  public Mono<Void> close() {
    return Mono.<Void>fromRunnable(() -> {
      Conn conn;
      synchronized (lock) {
        closed = true;
        conn = opened;
        opened = null;
      }
      List.copyOf(sinks).forEach(FluxSink::complete);
      if (conn != null) {
        try {
          conn.connection().closeDispatcher(conn.dispatcher());
        } catch (IllegalStateException closedAlready) {
          // The connection is closed, and its dispatchers with it.
        }
      }
    }).subscribeOn(Schedulers.boundedElastic()).then(source.release());
  }

  /** Builds a {@link NatsBroker}. */
  public static final class Builder {

    private final Supplier<NatsConnectionSource> source;

    private Builder(Supplier<NatsConnectionSource> source) {
      this.source = source;
    }

    /**
     * Returns the broker; nothing connects before the first publish or subscription.
     *
     * @return the broker
     */
    public NatsBroker build() {
      return new NatsBroker(source.get());
    }
  }
}
