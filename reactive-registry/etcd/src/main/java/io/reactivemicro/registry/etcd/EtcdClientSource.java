package io.reactivemicro.registry.etcd;

import io.etcd.jetcd.Client;
import io.reactivemicro.plugin.spi.ClientSource;
import io.reactivemicro.plugin.spi.ServerAddresses;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Where a backend's jetcd client comes from ({@link ClientSource}: its own, shared or given). jetcd opens
 * its gRPC channel on the first call, so creating a client sends nothing.
 */
final class EtcdClientSource {

  private EtcdClientSource() {}

  /** Returns a source with a client of its own on {@code endpoints}, closed on release. */
  static ClientSource<Client> own(List<URI> endpoints, Duration timeout) {
    return ClientSource.own(client(endpoints, timeout), EtcdClientSource::close, "etcd at " + endpoints);
  }

  /**
   * Returns a source on the client every etcd backend created from settings for the same endpoints shares
   * in this JVM, whichever etcd plugins are present, with a 5 s connect timeout and longest retry; the last
   * backend to release it closes it.
   */
  static ClientSource<Client> shared(List<URI> endpoints) {
    return ClientSource.shared(sharedKey(endpoints), () -> client(endpoints, Duration.ofSeconds(5)),
        EtcdClientSource::close, "etcd at " + endpoints);
  }

  /** Returns a source on a client the application owns, left open on release. */
  static ClientSource<Client> given(Client client) {
    return ClientSource.given(client, "etcd (the given client)");
  }

  /** Returns the key of the shared client of a list of endpoints, spelt the same way by every etcd plugin. */
  static String sharedKey(List<URI> endpoints) {
    return "jetcd " + endpoints;
  }

  /**
   * Checks endpoint addresses, {@code host:port} or URLs such as {@code https://host:2379}, at least one,
   * and turns them into URIs.
   *
   * @throws NullPointerException when the list or an address is null
   * @throws IllegalArgumentException when the list is empty or an address is blank or not a valid URI
   */
  static List<URI> endpoints(List<String> addresses) {
    return ServerAddresses.parseAll(addresses, "http", "etcd", URI::create);
  }

  private static Client client(List<URI> endpoints, Duration timeout) {
    return Client.builder()
        .endpoints(endpoints.toArray(URI[]::new))
        .connectTimeout(timeout)
        .retryMaxDuration(timeout)
        .build();
  }

  // jetcd waits for its channels to shut down: closed on boundedElastic.
  private static Mono<Void> close(Client client) {
    return Mono.<Void>fromRunnable(client::close).subscribeOn(Schedulers.boundedElastic());
  }
}
