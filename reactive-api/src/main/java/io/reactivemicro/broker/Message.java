package io.reactivemicro.broker;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A message published on a topic: string headers and a body of bytes. Every broker carries the headers
 * with the body. Instances are immutable: the headers are copied, and the body must not be modified
 * after it is handed over.
 *
 * <pre>{@code
 * broker.publish("orders", Message.of("{\"id\":1}".getBytes(UTF_8)).withHeader("Content-Type", "application/json"));
 * }</pre>
 *
 * @param headers the headers, in insertion order
 * @param body the body
 */
public record Message(Map<String, String> headers, byte[] body) {

  /** Creates the message, copying the headers. */
  public Message {
    Map<String, String> copy = new LinkedHashMap<>();
    Objects.requireNonNull(headers, "headers").forEach((key, value) ->
        copy.put(Objects.requireNonNull(key, "header name"), Objects.requireNonNull(value, "header value")));
    headers = java.util.Collections.unmodifiableMap(copy);
    Objects.requireNonNull(body, "body");
  }

  /**
   * Returns a message with no headers.
   *
   * @param body the body
   * @return the message
   */
  public static Message of(byte[] body) {
    return new Message(Map.of(), body);
  }

  /**
   * Returns a message with headers.
   *
   * @param headers the headers
   * @param body the body
   * @return the message
   */
  public static Message of(Map<String, String> headers, byte[] body) {
    return new Message(headers, body);
  }

  /**
   * Returns this message with one header set.
   *
   * @param name the header name
   * @param value its value
   * @return a new message
   */
  public Message withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new Message(copy, body);
  }

  /**
   * Returns a header's value, or {@code null}; the name is matched exactly first, then without regard
   * to case.
   *
   * @param name the header name
   * @return its value or {@code null}
   */
  public @org.jspecify.annotations.Nullable String header(String name) {
    String exact = headers.get(name);
    if (exact != null) {
      return exact;
    }
    for (Map.Entry<String, String> entry : headers.entrySet()) {
      if (entry.getKey().equalsIgnoreCase(name)) {
        return entry.getValue();
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Message m && headers.equals(m.headers) && Arrays.equals(body, m.body);
  }

  @Override
  public int hashCode() {
    return 31 * headers.hashCode() + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "Message[headers=" + headers + ", body=" + body.length + " bytes]";
  }
}
