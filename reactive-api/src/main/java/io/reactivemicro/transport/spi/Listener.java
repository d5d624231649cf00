package io.reactivemicro.transport.spi;

import reactor.core.publisher.Mono;

/** A server transport bound to an address. */
public interface Listener {

  /** Returns the address it listens on, {@code host:port}, with the port it was given when asked for 0. */
  String address();

  /** Stops accepting connections; established ones stay open. Returns a {@code Mono} that completes when done. */
  Mono<Void> stopAccepting();

  /** Closes every connection and the listener. Returns a {@code Mono} that completes when done. */
  Mono<Void> close();
}
