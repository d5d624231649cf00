package io.reactivemicro.transport.spi;

import io.reactivemicro.transport.TransportOptions;
import java.util.Iterator;
import java.util.ServiceLoader;

/**
 * A transport implementation, found with {@link ServiceLoader}: {@code reactive-rsocket} provides RSocket
 * over TCP and WebSocket with HTTP on the same port.
 */
public interface Transport {

  /** Returns the name of the transport, such as {@code rsocket}. */
  String name();

  /**
   * Returns a server side.
   *
   * @param options settings
   * @return a server transport
   */
  ServerTransport server(TransportOptions options);

  /**
   * Returns a client side, which holds connections until disposed.
   *
   * @param options settings
   * @return a client transport
   */
  ClientTransport client(TransportOptions options);

  /**
   * Returns the first transport on the classpath.
   *
   * @return the transport
   * @throws IllegalStateException when there is none, saying which artifact to add
   */
  static Transport load() {
    Iterator<Transport> found = ServiceLoader.load(Transport.class, Transport.class.getClassLoader()).iterator();
    if (!found.hasNext()) {
      throw new IllegalStateException("no transport on the classpath: add io.reactivemicro:reactive-rsocket");
    }
    return found.next();
  }
}
