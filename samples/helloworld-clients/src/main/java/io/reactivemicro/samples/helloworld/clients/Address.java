package io.reactivemicro.samples.helloworld.clients;

/**
 * A service address as the samples take it on the command line: {@code host:port}, or {@code :port}
 * for the loopback interface.
 *
 * @param host the host name or IP address
 * @param port the TCP port
 */
record Address(String host, int port) {

  /** Where {@code java -jar helloworld.jar} listens by default. */
  static final String DEFAULT = "127.0.0.1:8080";

  /**
   * Parses {@code host:port} or {@code :port}.
   *
   * @param address the address
   * @return its host and port
   * @throws IllegalArgumentException when there is no port
   */
  static Address parse(String address) {
    int colon = address.lastIndexOf(':');
    if (colon < 0 || colon == address.length() - 1) {
      throw new IllegalArgumentException("expected host:port or :port, got '" + address + "'");
    }
    String host = colon == 0 ? "127.0.0.1" : address.substring(0, colon);
    return new Address(host, Integer.parseInt(address.substring(colon + 1)));
  }

  /**
   * The address of the first command line argument, or {@link #DEFAULT}.
   *
   * @param args the command line arguments
   * @return the address to call
   */
  static Address fromArgs(String[] args) {
    return parse(args.length > 0 ? args[0] : DEFAULT);
  }
}
