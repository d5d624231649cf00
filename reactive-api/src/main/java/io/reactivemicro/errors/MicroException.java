package io.reactivemicro.errors;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An error in Go Micro's shape, {@code {id, code, detail, status}}, that crosses the wire intact.
 *
 * <p>{@code id} names where the error came from (a service or component), {@code code} is an HTTP status
 * code, {@code detail} says what went wrong for a person to read, and {@code status} is the code's reason
 * phrase. Handlers fail their {@code Mono}/{@code Flux} with one of these to choose what the caller sees;
 * any other exception reaches the caller as a 500 with no stack trace.
 *
 * <pre>{@code
 * return Mono.error(MicroException.notFound("users", "user %s does not exist", id));
 * }</pre>
 */
public class MicroException extends RuntimeException {

  private static final long serialVersionUID = 1L;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final String id;
  private final int code;
  private final String detail;
  private final String status;

  /**
   * Creates an error; {@code status} is derived from {@code code}.
   *
   * @param id where the error comes from, for instance the service name
   * @param code an HTTP status code
   * @param detail what went wrong
   */
  public MicroException(String id, int code, String detail) {
    this(id, code, detail, statusText(code), null);
  }

  /**
   * Creates an error with every field given and an optional cause, kept locally and never sent.
   *
   * @param id where the error comes from
   * @param code an HTTP status code
   * @param detail what went wrong
   * @param status the reason phrase
   * @param cause the local cause, or {@code null}
   */
  public MicroException(String id, int code, String detail, String status, @Nullable Throwable cause) {
    super(message(id, code, detail), cause, true, cause != null);
    this.id = id == null ? "" : id;
    this.code = code;
    this.detail = detail == null ? "" : detail;
    this.status = status == null ? statusText(code) : status;
  }

  private static String message(String id, int code, String detail) {
    return (id == null || id.isEmpty() ? "" : id + ": ") + code + " " + statusText(code) + ": " + detail;
  }

  /** Returns where the error comes from. */
  public String id() {
    return id;
  }

  /** Returns the HTTP status code. */
  public int code() {
    return code;
  }

  /** Returns what went wrong. */
  public String detail() {
    return detail;
  }

  /** Returns the reason phrase of the code. */
  public String status() {
    return status;
  }

  /** Returns the error as Go Micro's JSON: {@code {"id":..,"code":..,"detail":..,"status":..}}. */
  public String toJson() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("id", id);
    fields.put("code", code);
    fields.put("detail", detail);
    fields.put("status", status);
    return JSON.writeValueAsString(fields);
  }

  /**
   * Parses Go Micro's error JSON. Text that is not such JSON becomes a 500 whose detail is the text, as
   * Go Micro's {@code errors.Parse} does.
   *
   * @param json the error JSON
   * @return the error it describes
   */
  public static MicroException parse(String json) {
    try {
      JsonNode node = JSON.readTree(json);
      if (node != null && node.isObject() && node.has("code")) {
        int code = node.path("code").asInt(500);
        String status = node.path("status").asString("");
        return new MicroException(node.path("id").asString(""), code, node.path("detail").asString(""),
            status.isEmpty() ? statusText(code) : status, null);
      }
    } catch (JacksonException notJson) {
      // falls through to the plain-text form below
    }
    return new MicroException("", 500, json);
  }

  /**
   * Returns {@code error} itself when it is a {@code MicroException}, or a 500 from {@code id} whose
   * detail is the error's message (never its stack trace).
   *
   * @param id where the error is reported from
   * @param error any error
   * @return an error in Go Micro's shape
   */
  public static MicroException from(String id, Throwable error) {
    if (error instanceof MicroException me) {
      return me;
    }
    String detail = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    return new MicroException(id, 500, detail, statusText(500), error);
  }

  /** Returns a 400 Bad Request error. */
  public static MicroException badRequest(String id, String format, Object... args) {
    return new MicroException(id, 400, String.format(format, args));
  }

  /** Returns a 401 Unauthorized error. */
  public static MicroException unauthorized(String id, String format, Object... args) {
    return new MicroException(id, 401, String.format(format, args));
  }

  /** Returns a 403 Forbidden error. */
  public static MicroException forbidden(String id, String format, Object... args) {
    return new MicroException(id, 403, String.format(format, args));
  }

  /** Returns a 404 Not Found error. */
  public static MicroException notFound(String id, String format, Object... args) {
    return new MicroException(id, 404, String.format(format, args));
  }

  /** Returns a 405 Method Not Allowed error. */
  public static MicroException methodNotAllowed(String id, String format, Object... args) {
    return new MicroException(id, 405, String.format(format, args));
  }

  /** Returns a 408 Request Timeout error. */
  public static MicroException timeout(String id, String format, Object... args) {
    return new MicroException(id, 408, String.format(format, args));
  }

  /** Returns a 409 Conflict error. */
  public static MicroException conflict(String id, String format, Object... args) {
    return new MicroException(id, 409, String.format(format, args));
  }

  /** Returns a 413 Payload Too Large error. */
  public static MicroException payloadTooLarge(String id, String format, Object... args) {
    return new MicroException(id, 413, String.format(format, args));
  }

  /** Returns a 429 Too Many Requests error: the caller has more calls in flight than it may. */
  public static MicroException tooManyRequests(String id, String format, Object... args) {
    return new MicroException(id, 429, String.format(format, args));
  }

  /** Returns a 500 Internal Server Error. */
  public static MicroException internalServerError(String id, String format, Object... args) {
    return new MicroException(id, 500, String.format(format, args));
  }

  /** Returns a 501 Not Implemented error. */
  public static MicroException notImplemented(String id, String format, Object... args) {
    return new MicroException(id, 501, String.format(format, args));
  }

  /** Returns a 502 Bad Gateway error. */
  public static MicroException badGateway(String id, String format, Object... args) {
    return new MicroException(id, 502, String.format(format, args));
  }

  /** Returns a 503 Service Unavailable error. */
  public static MicroException serviceUnavailable(String id, String format, Object... args) {
    return new MicroException(id, 503, String.format(format, args));
  }

  /** Returns a 504 Gateway Timeout error. */
  public static MicroException gatewayTimeout(String id, String format, Object... args) {
    return new MicroException(id, 504, String.format(format, args));
  }

  /**
   * Returns the reason phrase of an HTTP status code, or {@code "Unknown"}.
   *
   * @param code an HTTP status code
   * @return its reason phrase
   */
  public static String statusText(int code) {
    return switch (code) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 413 -> "Payload Too Large";
      case 415 -> "Unsupported Media Type";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Unknown";
    };
  }
}
