package io.reactivemicro.codec;

/** Thrown when bytes cannot be decoded or a value cannot be encoded; servers answer it with a 400. */
public class CodecException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what could not be encoded or decoded, and why
   * @param cause the underlying error
   */
  public CodecException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates the exception.
   *
   * @param message what could not be encoded or decoded, and why
   */
  public CodecException(String message) {
    super(message);
  }
}
