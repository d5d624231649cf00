package io.reactivemicro.sync.etcd;

import io.etcd.jetcd.Client;
import io.reactivemicro.plugin.spi.SharedClients;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Where a backend's jetcd client comes from, and what closing the backend does to it: a client the backend
 * created is closed, a client it was given is left open, and a client shared by the backends created from
 * settings is released, and closed by the last of them.
 */
final class EtcdClientSource {

  private final Client client;
  private final Supplier<Mono<Void>> release;
  private final String description;
  private final AtomicBoolean released = new AtomicBoolean();

  private EtcdClientSource(Client client, Supplier<Mono<Void>> release, String description) {
    this.client = client;
    this.release = release;
    this.description = description;
  }

  /**
   * Returns a source with a client of its own on {@code endpoints}, closed on release. jetcd opens its
   * gRPC channel on the first call, so creating the client sends nothing.
   */
  static EtcdClientSource own(List<URI> endpoints, Duration timeout) {
    Client client = Client.builder()
        .endpoints(endpoints.toArray(URI[]::new))
        .connectTimeout(timeout)
        .retryMaxDuration(timeout)
        .build();
    return new EtcdClientSource(client, () -> close(client), "etcd at " + endpoints);
  }

  /**
   * Returns a source on the client that every etcd backend created from settings for the same endpoints
   * shares in this JVM (the registry and the sync, whichever plugins are present), with a 5 s connect
   * timeout and longest retry; the last backend to release it closes it.
   */
  static EtcdClientSource shared(List<URI> endpoints) {
    SharedClients.Lease<Client> lease = SharedClients.acquire(sharedKey(endpoints), () -> Client.builder()
            .endpoints(endpoints.toArray(URI[]::new))
            .connectTimeout(Duration.ofSeconds(5))
            .retryMaxDuration(Duration.ofSeconds(5))
            .build(),
        EtcdClientSource::close);
    return new EtcdClientSource(lease.client(), lease::release, "etcd at " + endpoints);
  }

  /** Returns the key of the shared client of a list of endpoints, spelt the same way by every etcd plugin. */
  static String sharedKey(List<URI> endpoints) {
    return "jetcd " + endpoints;
  }

  /** Returns a source on a client the application owns, left open on release. */
  static EtcdClientSource given(Client client) {
    return new EtcdClientSource(Objects.requireNonNull(client, "client"), Mono::empty, "etcd (the given client)");
  }

  /**
   * Checks endpoint addresses and turns them into URIs.
   *
   * @param addresses {@code host:port} or URLs such as {@code https://host:2379}, at least one
   * @return the URIs, in order
   * @throws NullPointerException when the list or an address is null
   * @throws IllegalArgumentException when the list is empty or an address is blank or not a valid URI
   */
  static List<URI> endpoints(List<String> addresses) {
    Objects.requireNonNull(addresses, "addresses");
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("at least one etcd address is needed");
    }
    return addresses.stream().map(address -> {
      String trimmed = Objects.requireNonNull(address, "address").trim();
      if (trimmed.isEmpty()) {
        throw new IllegalArgumentException("an etcd address must not be blank: " + addresses);
      }
      try {
        return URI.create(trimmed.contains("://") ? trimmed : "http://" + trimmed);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid etcd address \"" + address + "\": " + e.getMessage(), e);
      }
    }).toList();
  }

  /** Returns the client. */
  Client client() {
    return client;
  }

  /** Releases the client once: closes it when the source created it, else does nothing. */
  Mono<Void> release() {
    return Mono.defer(() -> released.compareAndSet(false, true) ? release.get() : Mono.empty());
  }

  /** Names the server for error messages, such as {@code etcd at [http://127.0.0.1:2379]}. */
  String describe() {
    return description;
  }

  // jetcd waits for its channels to shut down: closed on boundedElastic.
  private static Mono<Void> close(Client client) {
    return Mono.<Void>fromRunnable(client::close).subscribeOn(Schedulers.boundedElastic());
  }
}
