package io.reactivemicro.registry.mdns;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.registry.RegistryEvent;
import io.reactivemicro.registry.ServiceInfo;
import io.reactivemicro.registry.mdns.DnsMessage.DnsRecord;
import io.reactivemicro.registry.mdns.DnsMessage.Question;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * A registry with no server: zero-configuration discovery on the local network over multicast DNS
 * (RFC 6762) with DNS-SD records (RFC 6763), as Go Micro's {@code mdns} registry offers.
 *
 * <p>Each registered node is an instance of the service type {@value #SERVICE_TYPE}: a PTR record from the
 * type to {@code <instance>._micro._tcp.local.}, an SRV record with the node's port, an A record when its
 * host is an IPv4 address, and TXT strings holding the service (name, version, metadata, endpoints) and
 * the node as compressed JSON, cut into strings of at most 255 bytes, so descriptions of any size up to
 * one packet (about 9000 bytes compressed) fit. The records' TTL is the registration's TTL (120 s for a
 * registration without one, re-announced every minute). {@link #register} announces the node twice (the
 * second time after a second) and once per renewal; {@link #deregister} and a registration that expires
 * unrenewed send goodbyes (TTL 0). A node whose process vanishes without a goodbye disappears from other
 * registries when its records' TTL runs out.
 *
 * <p>Every registry instance listens continuously (a continuous querier, RFC 6762 section 5.2): it asks
 * the network once when first used, and keeps a cache from every announcement, answer and goodbye it
 * hears. {@link #getService}, {@link #listServices} and {@link #watch} read that cache: the first look-up
 * waits up to the query timeout (500 ms by default) for the answers to the first question, later ones
 * answer at once. A cached node is asked for again at 80% of its TTL and dropped (a {@code DELETE} event)
 * when the TTL runs out.
 *
 * <p>Threads: the socket is opened lazily, on {@link Schedulers#boundedElastic()}, by the first operation;
 * building one does no I/O. Each instance then has one daemon thread receiving packets and one sending
 * them and running the timers; no socket call ever runs on a caller's or a Reactor thread. Events are
 * delivered to watchers on those threads, so watchers must not block (use {@code publishOn}).
 *
 * <p>Limits: IPv4 only (group 224.0.0.251, port 5353), one network interface per instance; no probing
 * or conflict resolution (instance names are derived from a hash of the service and node id, so they do
 * not collide); no known-answer suppression. The records are not read by Go Micro's mdns registry, which
 * uses its own domain and encoding.
 *
 * <pre>{@code
 * Registry registry = MdnsRegistry.builder().networkInterface("eth0").build();
 * registry.register(info, Duration.ofSeconds(30))
 *     .thenMany(registry.getService("helloworld"))
 *     .subscribe(service -> System.out.println(service.nodes()));
 * }</pre>
 */
public final class MdnsRegistry implements Registry {

  /** The DNS-SD service type every node is registered under. */
  public static final String SERVICE_TYPE = "_micro._tcp.local.";

  /** The mDNS port. */
  public static final int DEFAULT_PORT = 5353;

  /** How many events a watcher may fall behind before it receives an error. */
  public static final int WATCH_BUFFER = 1024;

  static final String SERVICE_TYPES = "_services._dns-sd._udp.local.";
  private static final String GROUP = "224.0.0.251";
  private static final String ERROR_ID = "registry.mdns";
  private static final long FOREVER_RECORD_TTL_SECONDS = 120;
  /** The largest mDNS packet (RFC 6762 section 17) less the IPv4 and UDP headers. */
  static final int MAX_PACKET = 9000 - 28;
  private static final long SWEEP_MILLIS = 250;
  private static final long REPEAT_MILLIS = 1000;
  private static final Logger LOG = Loggers.getLogger(MdnsRegistry.class);

  private final @Nullable String interfaceSetting;
  private final int port;
  private final Duration queryTimeout;
  private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  private final Object lock = new Object();
  // Guarded by lock: what this instance registered, and every node it knows (its own included), by instance label.
  private final Map<String, Owned> owned = new LinkedHashMap<>();
  private final Map<String, Entry> cache = new LinkedHashMap<>();
  private @Nullable Net opened;
  private volatile boolean closed;
  private final Sinks.Many<RegistryEvent> events = Sinks.many().multicast().directBestEffort();
  private final Mono<Net> net;

  /** A node this instance registered. */
  private record Owned(String label, ServiceInfo service, List<String> texts, long expiresAtNanos,
      @Nullable ScheduledFuture<?> task) {
    boolean expired(long now) {
      return expiresAtNanos != 0 && expiresAtNanos - now <= 0;
    }
  }

  /** A node in the cache; {@code expiresAtNanos} 0 means never (this instance's own, registered for ever). */
  private record Entry(ServiceInfo service, long expiresAtNanos, long refreshAtNanos, boolean refreshAsked,
      boolean own) {
    boolean expired(long now) {
      return expiresAtNanos != 0 && expiresAtNanos - now <= 0;
    }
  }

  private MdnsRegistry(Builder builder) {
    this.interfaceSetting = builder.networkInterface;
    this.port = builder.port;
    this.queryTimeout = builder.queryTimeout;
    this.net = Mono.fromCallable(this::open)
        .subscribeOn(Schedulers.boundedElastic())
        .cache(opened -> Duration.ofMillis(Long.MAX_VALUE), error -> Duration.ZERO, () -> Duration.ZERO);
  }

  /**
   * Returns a builder of a registry, on the default network interface unless
   * {@link Builder#networkInterface} names one. It takes no address: mDNS needs no server.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "mdns";
  }

  /**
   * Announces the nodes of {@code service} on the network and adds them to this instance's view.
   *
   * @return a {@code Mono} that completes once the first announcement is sent; it fails with a 413
   *     {@link MicroException} when a node's description does not fit one mDNS packet
   */
  @Override
  public Mono<Void> register(ServiceInfo service, Duration ttl) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(ttl, "ttl");
    return Mono.defer(() -> {
      List<Owned> nodes = new ArrayList<>();
      long now = System.nanoTime();
      long expiresAt = ttl.isZero() || ttl.isNegative() ? 0 : nonZero(now + ttl.toNanos());
      for (Node node : service.nodes()) {
        ServiceInfo single = service.withNodes(List.of(node));
        String label = label(service.name(), node.id());
        List<String> texts = TxtPayload.encode(id, single);
        Owned candidate = new Owned(label, single, texts, expiresAt, null);
        int size = DnsMessage.response(records(candidate, FOREVER_RECORD_TTL_SECONDS)).encodedSize();
        if (size > MAX_PACKET) {
          return Mono.error(MicroException.payloadTooLarge(ERROR_ID,
              "node %s of service %s is described in %d bytes; an mDNS packet holds at most %d",
              node.id(), service.name(), size, MAX_PACKET));
        }
        nodes.add(candidate);
      }
      return net().flatMap(net -> net.run(() -> nodes.forEach(node -> registerNow(net, node))));
    });
  }

  /**
   * Removes the nodes of {@code service} that this instance registered and sends their goodbyes; nodes
   * registered by others are left to their owners.
   */
  @Override
  public Mono<Void> deregister(ServiceInfo service) {
    Objects.requireNonNull(service, "service");
    return net().flatMap(net -> net.run(() -> {
      for (Node node : service.nodes()) {
        String label = label(service.name(), node.id());
        Owned removed;
        synchronized (lock) {
          removed = owned.remove(label);
          if (removed == null) {
            continue;
          }
          cancel(removed);
          Entry entry = cache.get(label);
          if (entry != null && entry.own()) {
            cache.remove(label);
            emit(RegistryEvent.Type.DELETE, entry.service());
          }
        }
        net.send(DnsMessage.response(records(removed, 0)));
      }
    }));
  }

  /**
   * Looks a service up in what this instance has heard; the first look-up waits up to the query timeout
   * for the network's answers. Emits one element per version, then completes.
   */
  @Override
  public Flux<ServiceInfo> getService(String name) {
    Objects.requireNonNull(name, "name");
    return lookUp(info -> info.name().equals(name));
  }

  /** Lists every service this instance has heard of, one element per name and version. */
  @Override
  public Flux<ServiceInfo> listServices() {
    return lookUp(info -> true);
  }

  /**
   * Watches announcements, goodbyes and expiries on the network (and this instance's own registrations).
   * Events are delivered on the registry's threads; a watcher more than {@value #WATCH_BUFFER} events
   * behind receives an error. The flux completes when the registry is closed.
   */
  @Override
  public Flux<RegistryEvent> watch(@Nullable String service) {
    // The sink is subscribed at once, so nothing registered after this call is missed; opening the socket
    // runs beside it and only its failure reaches the watcher.
    Flux<RegistryEvent> all = Flux.merge(net().then(Mono.<RegistryEvent>empty()), events.asFlux());
    Flux<RegistryEvent> chosen = service == null ? all : all.filter(event -> event.service().name().equals(service));
    return chosen.onBackpressureBuffer(WATCH_BUFFER, dropped -> { }, BufferOverflowStrategy.ERROR);
  }

  /**
   * Closes the socket and stops the threads without sending goodbyes: what this instance registered
   * expires in other registries with its TTL. Watchers complete; later operations fail with a 503.
   */
  @Override
  public Mono<Void> close() {
    return Mono.<Void>fromRunnable(() -> {
      Net net;
      synchronized (lock) {
        if (closed) {
          return;
        }
        closed = true;
        net = opened;
        owned.values().forEach(MdnsRegistry::cancel);
        owned.clear();
        cache.clear();
      }
      if (net != null) {
        net.close();
      }
      events.emitComplete((signal, result) -> result == Sinks.EmitResult.FAIL_NON_SERIALIZED);
    }).subscribeOn(Schedulers.boundedElastic());
  }

  /** Returns this instance's id, which its TXT strings and thread names carry. */
  String id() {
    return id;
  }

  @Override
  public String toString() {
    return "MdnsRegistry[" + id + ", interface " + (interfaceSetting == null ? "default" : interfaceSetting) + "]";
  }

  // --- look-ups ---

  private Flux<ServiceInfo> lookUp(Predicate<ServiceInfo> filter) {
    return net().flatMapMany(net -> {
      long wait = net.warmAtNanos - System.nanoTime();
      Mono<Long> warm = wait > 0 ? Mono.delay(Duration.ofNanos(wait)) : Mono.empty();
      return warm.thenMany(Flux.defer(() -> Flux.fromIterable(snapshot(filter))));
    });
  }

  private List<ServiceInfo> snapshot(Predicate<ServiceInfo> filter) {
    long now = System.nanoTime();
    Map<String, Map<String, List<ServiceInfo>>> byNameAndVersion = new LinkedHashMap<>();
    synchronized (lock) {
      for (Entry entry : cache.values()) {
        if (!entry.expired(now) && filter.test(entry.service())) {
          byNameAndVersion.computeIfAbsent(entry.service().name(), n -> new LinkedHashMap<>())
              .computeIfAbsent(entry.service().version(), v -> new ArrayList<>())
              .add(entry.service());
        }
      }
    }
    List<ServiceInfo> merged = new ArrayList<>();
    byNameAndVersion.values().forEach(versions -> versions.values().forEach(services -> {
      List<Node> nodes = new ArrayList<>();
      services.forEach(service -> nodes.addAll(service.nodes()));
      merged.add(services.get(0).withNodes(nodes));
    }));
    return merged;
  }

  // --- registering (on the sender thread) ---

  private void registerNow(Net net, Owned node) {
    long now = System.nanoTime();
    Owned current;
    synchronized (lock) {
      if (closed) {
        throw closedError();
      }
      Owned previous = owned.get(node.label());
      if (previous != null) {
        cancel(previous);
      }
      Entry before = cache.get(node.label());
      boolean changed = before == null || before.expired(now) || !before.service().equals(node.service());
      ScheduledFuture<?> task;
      if (node.expiresAtNanos() == 0) {
        long every = TimeUnit.SECONDS.toMillis(FOREVER_RECORD_TTL_SECONDS / 2);
        task = net.executor.scheduleWithFixedDelay(() -> announce(net, node.label()),
            changed ? REPEAT_MILLIS : every, every, TimeUnit.MILLISECONDS);
      } else {
        task = changed ? net.executor.schedule(() -> announce(net, node.label()), REPEAT_MILLIS, TimeUnit.MILLISECONDS)
            : null;
      }
      current = new Owned(node.label(), node.service(), node.texts(), node.expiresAtNanos(), task);
      owned.put(node.label(), current);
      cache.put(node.label(), new Entry(node.service(), node.expiresAtNanos(), 0, false, true));
      if (before == null || before.expired(now)) {
        emit(RegistryEvent.Type.CREATE, node.service());
      } else if (!before.service().equals(node.service())) {
        emit(RegistryEvent.Type.UPDATE, node.service());
      }
    }
    net.send(DnsMessage.response(records(current, recordTtl(current, now))));
  }

  private void announce(Net net, String label) {
    long now = System.nanoTime();
    Owned node;
    synchronized (lock) {
      node = owned.get(label);
    }
    if (node != null && !node.expired(now)) {
      net.send(DnsMessage.response(records(node, recordTtl(node, now))));
    }
  }

  private static long recordTtl(Owned node, long now) {
    if (node.expiresAtNanos() == 0) {
      return FOREVER_RECORD_TTL_SECONDS;
    }
    long left = node.expiresAtNanos() - now;
    return left <= 0 ? 0 : (left + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1);
  }

  private static List<DnsRecord> records(Owned node, long ttl) {
    String instance = node.label() + "." + SERVICE_TYPE;
    String host = node.label() + ".local.";
    String address = node.service().nodes().get(0).address();
    int colon = address.lastIndexOf(':');
    int port = 0;
    if (colon >= 0) {
      try {
        port = Integer.parseInt(address.substring(colon + 1));
      } catch (NumberFormatException notAPort) {
        port = 0;
      }
    }
    List<DnsRecord> records = new ArrayList<>(4);
    records.add(DnsRecord.ptr(SERVICE_TYPE, instance, ttl));
    records.add(DnsRecord.srv(instance, host, port & 0xFFFF, ttl));
    records.add(DnsRecord.txt(instance, node.texts(), ttl));
    byte[] ipv4 = ipv4(colon >= 0 ? address.substring(0, colon) : address);
    if (ipv4 != null) {
      records.add(DnsRecord.a(host, ipv4, ttl));
    }
    return records;
  }

  private static byte @Nullable [] ipv4(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(Character::isDigit)) {
        return null;
      }
      int value = Integer.parseInt(parts[i]);
      if (value > 255) {
        return null;
      }
      bytes[i] = (byte) value;
    }
    return bytes;
  }

  /**
   * Returns the instance label of a node: readable characters of its id and a hash of the service name and
   * node id, so the same node id in two services does not collide, within DNS's 63 bytes a label.
   */
  static String label(String service, String nodeId) {
    StringBuilder readable = new StringBuilder();
    for (char c : nodeId.toLowerCase(Locale.ROOT).toCharArray()) {
      if (readable.length() == 40) {
        break;
      }
      readable.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ? c : '-');
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] hash = sha.digest((service + "\u0000" + nodeId).getBytes(StandardCharsets.UTF_8));
      return readable + "-" + HexFormat.of().formatHex(hash, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  // --- what the network says (on the receiver thread) ---

  private void onResponse(DnsMessage message) {
    long now = System.nanoTime();
    for (DnsRecord record : message.records()) {
      String name = DnsMessage.canonical(record.name());
      if (record.type() == DnsMessage.TYPE_TXT && name.endsWith("." + SERVICE_TYPE)) {
        String publisher = TxtPayload.registryId(record.texts());
        if (publisher == null || publisher.equals(id)) {
          continue;
        }
        String label = instanceLabel(name);
        if (record.ttl() == 0) {
          forget(label);
          continue;
        }
        TxtPayload.Decoded decoded = TxtPayload.decode(record.texts());
        if (decoded == null) {
          LOG.debug("mdns: ignoring an undecodable description of {}", name);
          continue;
        }
        remember(label, decoded.service(), record.ttl(), now);
      } else if (record.type() == DnsMessage.TYPE_PTR && record.ttl() == 0 && name.equals(SERVICE_TYPE)
          && record.target() != null) {
        String target = DnsMessage.canonical(record.target());
        if (target.endsWith("." + SERVICE_TYPE)) {
          forget(instanceLabel(target));
        }
      }
    }
  }

  private static String instanceLabel(String canonicalInstance) {
    return canonicalInstance.substring(0, canonicalInstance.length() - SERVICE_TYPE.length() - 1);
  }

  private void remember(String label, ServiceInfo service, long ttlSeconds, long now) {
    long ttl = TimeUnit.SECONDS.toNanos(Math.min(ttlSeconds, TimeUnit.DAYS.toSeconds(1)));
    synchronized (lock) {
      if (closed) {
        return;
      }
      Entry before = cache.get(label);
      if (before != null && before.own()) {
        return;
      }
      cache.put(label, new Entry(service, nonZero(now + ttl), now + ttl / 5 * 4, false, false));
      if (before == null || before.expired(now)) {
        emit(RegistryEvent.Type.CREATE, service);
      } else if (!before.service().equals(service)) {
        emit(RegistryEvent.Type.UPDATE, service);
      }
    }
  }

  private void forget(String label) {
    synchronized (lock) {
      Entry entry = cache.get(label);
      if (entry != null && !entry.own()) {
        cache.remove(label);
        emit(RegistryEvent.Type.DELETE, entry.service());
      }
    }
  }

  private void onQuery(Net net, DnsMessage message) {
    Set<String> labels = new LinkedHashSet<>();
    boolean types = false;
    synchronized (lock) {
      for (Question question : message.questions()) {
        String name = DnsMessage.canonical(question.name());
        boolean ptr = question.type() == DnsMessage.TYPE_PTR || question.type() == DnsMessage.TYPE_ANY;
        if (name.equals(SERVICE_TYPE) && ptr) {
          labels.addAll(owned.keySet());
        } else if (name.equals(SERVICE_TYPES) && ptr) {
          types = !owned.isEmpty();
        } else if (name.endsWith("." + SERVICE_TYPE)) {
          String label = instanceLabel(name);
          if (owned.containsKey(label)) {
            labels.add(label);
          }
        }
      }
    }
    if (types) {
      net.submit(() -> net.send(DnsMessage.response(
          List.of(DnsRecord.ptr(SERVICE_TYPES, SERVICE_TYPE, FOREVER_RECORD_TTL_SECONDS)))));
    }
    for (String label : labels) {
      net.submit(() -> announce(net, label));
    }
  }

  // --- timers (on the sender thread) ---

  private void sweep(Net net) {
    long now = System.nanoTime();
    List<Owned> expired = new ArrayList<>();
    List<Question> refresh = new ArrayList<>();
    synchronized (lock) {
      for (Iterator<Owned> it = owned.values().iterator(); it.hasNext(); ) {
        Owned node = it.next();
        if (node.expired(now)) {
          it.remove();
          cancel(node);
          expired.add(node);
          Entry entry = cache.get(node.label());
          if (entry != null && entry.own()) {
            cache.remove(node.label());
            emit(RegistryEvent.Type.DELETE, entry.service());
          }
        }
      }
      for (Iterator<Map.Entry<String, Entry>> it = cache.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Entry> cached = it.next();
        Entry entry = cached.getValue();
        if (entry.own()) {
          continue;
        }
        if (entry.expired(now)) {
          it.remove();
          emit(RegistryEvent.Type.DELETE, entry.service());
        } else if (!entry.refreshAsked() && entry.refreshAtNanos() - now <= 0) {
          cached.setValue(new Entry(entry.service(), entry.expiresAtNanos(), entry.refreshAtNanos(), true, false));
          refresh.add(new Question(cached.getKey() + "." + SERVICE_TYPE, DnsMessage.TYPE_TXT));
        }
      }
    }
    for (Owned node : expired) {
      net.send(DnsMessage.response(records(node, 0)));
    }
    for (int i = 0; i < refresh.size(); i += 64) {
      net.send(DnsMessage.query(refresh.subList(i, Math.min(refresh.size(), i + 64))));
    }
  }

  private void emit(RegistryEvent.Type type, ServiceInfo service) {
    RegistryEvent event = new RegistryEvent(type, service, Instant.now());
    events.emitNext(event, (signal, result) -> result == Sinks.EmitResult.FAIL_NON_SERIALIZED);
  }

  private static void cancel(Owned node) {
    ScheduledFuture<?> task = node.task();
    if (task != null) {
      task.cancel(false);
    }
  }

  private static long nonZero(long nanos) {
    return nanos == 0 ? 1 : nanos;
  }

  private static MicroException closedError() {
    return MicroException.serviceUnavailable(ERROR_ID, "the mdns registry is closed");
  }

  // --- the socket ---

  private Mono<Net> net() {
    return Mono.defer(() -> closed ? Mono.error(closedError()) : net);
  }

  private Net open() {
    NetworkInterface nic = chooseInterface(interfaceSetting);
    InetSocketAddress group = new InetSocketAddress(address(GROUP), port);
    DatagramChannel channel;
    try {
      channel = DatagramChannel.open(StandardProtocolFamily.INET);
      try {
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.bind(new InetSocketAddress(port));
        channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, nic);
        channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 255);
        channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
        channel.join(group.getAddress(), nic);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException e) {
      throw new MicroException(ERROR_ID, 503, "cannot open the mDNS socket on port " + port + " of interface "
          + nic.getName() + ": " + e, "Service Unavailable", e);
    }
    Net net = new Net(channel, group, nic);
    synchronized (lock) {
      if (closed) {
        net.close();
        throw closedError();
      }
      opened = net;
    }
    net.start();
    LOG.debug("mdns registry {} listening on {} ({})", id, nic.getName(), group);
    return net;
  }

  /**
   * Returns the interface named by {@code setting} (a name such as {@code eth0}, or one of its addresses),
   * or by default the first interface, by index, that is up, not loopback, supports multicast and has an
   * IPv4 address; loopback when there is none.
   */
  static NetworkInterface chooseInterface(@Nullable String setting) {
    try {
      if (setting != null && !setting.isBlank()) {
        String wanted = setting.trim();
        NetworkInterface nic = NetworkInterface.getByName(wanted);
        if (nic == null) {
          try {
            nic = NetworkInterface.getByInetAddress(InetAddress.getByName(wanted));
          } catch (UnknownHostException unknown) {
            nic = null;
          }
        }
        if (nic == null) {
          throw MicroException.badRequest(ERROR_ID,
              "registry_interface %s is neither the name nor an address of a network interface; there are %s",
              wanted, names());
        }
        if (!usable(nic)) {
          throw MicroException.badRequest(ERROR_ID,
              "registry_interface %s (%s) is down, does not support multicast or has no IPv4 address",
              wanted, nic.getName());
        }
        return nic;
      }
      List<NetworkInterface> all = new ArrayList<>(Collections.list(NetworkInterface.getNetworkInterfaces()));
      all.sort(Comparator.comparingInt(NetworkInterface::getIndex));
      NetworkInterface loopback = null;
      for (NetworkInterface nic : all) {
        if (!usable(nic) || nic.isVirtual() || nic.isPointToPoint()) {
          continue;
        }
        if (!nic.isLoopback()) {
          return nic;
        }
        if (loopback == null) {
          loopback = nic;
        }
      }
      if (loopback != null) {
        return loopback;
      }
      throw MicroException.serviceUnavailable(ERROR_ID,
          "no network interface is up with multicast and an IPv4 address (there are %s); set registry_interface",
          names());
    } catch (SocketException e) {
      throw new MicroException(ERROR_ID, 503, "cannot list the network interfaces: " + e, "Service Unavailable", e);
    }
  }

  private static boolean usable(NetworkInterface nic) throws SocketException {
    return nic.isUp() && nic.supportsMulticast()
        && Collections.list(nic.getInetAddresses()).stream().anyMatch(a -> a instanceof Inet4Address);
  }

  private static List<String> names() throws SocketException {
    List<String> names = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      names.add(nic.getName());
    }
    return names;
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The open socket, its receiver thread and the sender thread that also runs the timers. */
  private final class Net {
    final DatagramChannel channel;
    final InetSocketAddress group;
    final NetworkInterface nic;
    final ScheduledExecutorService executor;
    final Thread receiver;
    volatile long warmAtNanos;

    Net(DatagramChannel channel, InetSocketAddress group, NetworkInterface nic) {
      this.channel = channel;
      this.group = group;
      this.nic = nic;
      this.executor = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "mdns-send-" + id);
        thread.setDaemon(true);
        return thread;
      });
      this.receiver = new Thread(this::receive, "mdns-receive-" + id);
      this.receiver.setDaemon(true);
      this.warmAtNanos = System.nanoTime() + queryTimeout.toNanos();
    }

    void start() {
      receiver.start();
      warmAtNanos = System.nanoTime() + queryTimeout.toNanos();
      DnsMessage question = DnsMessage.query(List.of(new Question(SERVICE_TYPE, DnsMessage.TYPE_PTR)));
      // RFC 6762 section 5.2: ask again after one and three seconds, in case the first answers were lost.
      submit(() -> send(question));
      executor.schedule(() -> send(question), 1, TimeUnit.SECONDS);
      executor.schedule(() -> send(question), 3, TimeUnit.SECONDS);
      executor.scheduleWithFixedDelay(() -> sweep(this), SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code action} on the sender thread; the {@code Mono} completes when it has run. */
    Mono<Void> run(Runnable action) {
      return Mono.create(sink -> {
        try {
          executor.execute(() -> {
            try {
              action.run();
              sink.success();
            } catch (Throwable e) {
              sink.error(e);
            }
          });
        } catch (RejectedExecutionException e) {
          sink.error(closedError());
        }
      });
    }

    void submit(Runnable action) {
      try {
        executor.execute(action);
      } catch (RejectedExecutionException closing) {
        LOG.debug("mdns registry {} is closing", id);
      }
    }

    void send(DnsMessage message) {
      try {
        channel.send(ByteBuffer.wrap(message.encode()), group);
      } catch (ClosedChannelException closing) {
        LOG.debug("mdns registry {} is closing", id);
      } catch (IOException e) {
        LOG.warn("mdns registry {}: sending on {} failed: {}", id, nic.getName(), e.toString());
      }
    }

    private void receive() {
      ByteBuffer buffer = ByteBuffer.allocate(65536);
      while (channel.isOpen()) {
        buffer.clear();
        try {
          channel.receive(buffer);
        } catch (ClosedChannelException closing) {
          return;
        } catch (IOException e) {
          LOG.warn("mdns registry {}: receiving failed: {}", id, e.toString());
          continue;
        }
        buffer.flip();
        try {
          DnsMessage message = DnsMessage.decode(buffer);
          if (message.response()) {
            onResponse(message);
          } else {
            onQuery(this, message);
          }
        } catch (IllegalArgumentException malformed) {
          LOG.debug("mdns registry {}: ignoring a malformed packet: {}", id, malformed.getMessage());
        } catch (RuntimeException e) {
          LOG.warn("mdns registry {}: handling a packet failed", id, e);
        }
      }
    }

    void close() {
      executor.shutdownNow();
      try {
        channel.close();
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (IOException e) {
        LOG.warn("mdns registry {}: closing the socket failed: {}", id, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Builds an {@link MdnsRegistry}. */
  public static final class Builder {
    private @Nullable String networkInterface;
    private int port = DEFAULT_PORT;
    private Duration queryTimeout = Duration.ofMillis(500);

    private Builder() {}

    /**
     * Sets the network interface to send and listen on: a name such as {@code eth0}, or one of its
     * addresses. By default the first interface, by index, that is up, not loopback, supports multicast
     * and has an IPv4 address; loopback when there is none. {@code null} or blank means the default.
     */
    public Builder networkInterface(@Nullable String nameOrAddress) {
      this.networkInterface = nameOrAddress == null || nameOrAddress.isBlank() ? null : nameOrAddress.trim();
      return this;
    }

    /** Sets the UDP port; 5353 by default. Only useful to keep test networks apart. */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /** Sets how long the first look-up waits for answers; 500 ms by default. */
    public Builder queryTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("negative query timeout");
      }
      this.queryTimeout = timeout;
      return this;
    }

    /** Builds the registry; the socket opens on first use. */
    public MdnsRegistry build() {
      return new MdnsRegistry(this);
    }
  }
}
