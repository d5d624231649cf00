package io.reactivemicro.benchmarks.client;

/** Creates the client side of an implementation. */
public final class Drivers {

  private Drivers() {}

  /**
   * Returns the client of an implementation, connected to a server on 127.0.0.1.
   *
   * @param impl the implementation
   * @param port the server's port
   * @param scenario the scenario
   * @param connections for HTTP/1.1, which has one call in flight per connection: how many connections
   * @return the driver
   */
  public static Driver create(String impl, int port, String scenario, int connections) {
    return switch (impl) {
      case "micro" -> new MicroDriver(port, false);
      case "micro-bytes" -> new MicroDriver(port, true);
      case "micro-proto" -> new MicroProtoDriver(port);
      case "rsocket" -> new RSocketDriver(port, scenario);
      case "grpc" -> new GrpcDriver(port);
      case "grpc-proto" -> new GrpcProtoDriver(port);
      case "reactor-netty-http" -> new HttpDriver(port, connections);
      case "spring-rsocket" -> new SpringRSocketDriver(port);
      default -> throw new IllegalArgumentException("unknown implementation " + impl);
    };
  }
}
