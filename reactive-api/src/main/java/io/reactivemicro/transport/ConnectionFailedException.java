package io.reactivemicro.transport;

/**
 * Thrown by a client transport when it could not reach a node, before any part of the request was sent.
 * The client always tries another node after it, whether or not the endpoint is idempotent.
 */
public class ConnectionFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param address the node that could not be reached
   * @param cause why
   */
  public ConnectionFailedException(String address, Throwable cause) {
    super("cannot connect to " + address + ": " + cause.getMessage(), cause);
  }
}
