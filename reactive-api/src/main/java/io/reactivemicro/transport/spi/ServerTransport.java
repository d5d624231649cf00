package io.reactivemicro.transport.spi;

import io.reactivemicro.server.spi.Router;
import reactor.core.publisher.Mono;

/** Accepts connections and dispatches the calls they carry to a {@link Router}. */
@FunctionalInterface
public interface ServerTransport {

  /**
   * Binds to an address.
   *
   * @param address {@code host:port}, {@code :port} for every interface, port 0 for any free port
   * @param router where calls go
   * @return a {@code Mono} of the listener once it is bound; it fails when the address is taken
   */
  Mono<Listener> bind(String address, Router router);
}
