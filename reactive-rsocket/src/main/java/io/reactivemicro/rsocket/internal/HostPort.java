package io.reactivemicro.rsocket.internal;

/**
 * A {@code host:port} address; {@code :port} means every interface.
 *
 * @param host the host, {@code 0.0.0.0} for every interface
 * @param port the port
 */
record HostPort(String host, int port) {

  static HostPort parse(String address) {
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("address '" + address + "' is not host:port or :port");
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address '" + address + "' has no port number", e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("address '" + address + "' has a port out of range");
    }
    return new HostPort(host.isEmpty() ? "0.0.0.0" : host, port);
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
