package io.reactivemicro.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a transport, immutable; change one with its {@code with...} method. The defaults are safe
 * to expose to untrusted clients: every buffer, table and wait they allow is bounded (see
 * {@code docs/limits.md} for each limit and what happens when it is reached).
 *
 * <pre>{@code
 * TransportOptions options = TransportOptions.defaults()
 *     .withMaxConnections(2_000)
 *     .withIdleTimeout(Duration.ofMinutes(2));
 * }</pre>
 *
 * @param maxInboundPayloadSize the largest request or response accepted, in bytes, after reassembly of
 *     fragments; larger ones are refused with a 413. It also bounds the bytes a server holds for the
 *     fragmented requests of one connection that are still being reassembled
 * @param fragmentSize the size in bytes of the fragments a payload larger than it is sent in
 * @param keepAliveInterval how often a client probes its idle connections
 * @param keepAliveMaxLifetime how long a connection may go without a frame from its peer (keep-alive
 *     probes included) before it is closed as dead, by a client and by a server alike
 * @param connectTimeout how long connecting to a node may take
 * @param protocolDetectTimeout how long a new connection may take to send its first bytes, and an RSocket
 *     connection its whole SETUP frame
 * @param maxConnections how many connections a server holds at once; connections beyond it are closed
 *     as soon as they are accepted
 * @param maxCallsPerConnection how many calls one connection may have in flight, on a server and on a
 *     client; a server refuses calls beyond it with a 429, a client fails them with a 429 before sending
 * @param idleTimeout how long a connection with no call in flight stays open; a client closes its own idle
 *     connections after half of it, so that a server's close never races a new call
 * @param requestReadTimeout how long an HTTP request's head and body may take to arrive once its first
 *     byte has; a request that takes longer is answered with a 408 and its connection closed
 * @param writeTimeout how long a peer may keep a connection's outbound buffer above its high-water mark
 *     (not reading what it is sent) before the connection is closed
 */
public record TransportOptions(int maxInboundPayloadSize, int fragmentSize, Duration keepAliveInterval,
    Duration keepAliveMaxLifetime, Duration connectTimeout, Duration protocolDetectTimeout, int maxConnections,
    int maxCallsPerConnection, Duration idleTimeout, Duration requestReadTimeout, Duration writeTimeout) {

  /** The default largest payload: 64 MiB. */
  public static final int DEFAULT_MAX_INBOUND_PAYLOAD_SIZE = 64 * 1024 * 1024;

  /** The default maximum of connections a server holds: 10,000. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

  /**
   * The default maximum of calls in flight on one connection: 16,384. A client keeps one connection per
   * node for all its calls, so a service subscribed to many streams of another holds them all on one
   * connection. An open stream holds about a kilobyte of the server's heap (the streams-10k benchmark).
   */
  public static final int DEFAULT_MAX_CALLS_PER_CONNECTION = 16_384;

  /** Checks the settings. */
  public TransportOptions {
    if (maxInboundPayloadSize < 64) {
      throw new IllegalArgumentException("maxInboundPayloadSize must be at least 64 bytes");
    }
    if (fragmentSize < 64) {
      throw new IllegalArgumentException("fragmentSize must be at least 64 bytes");
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be at least 1");
    }
    if (maxCallsPerConnection < 1) {
      throw new IllegalArgumentException("maxCallsPerConnection must be at least 1");
    }
    positive(keepAliveInterval, "keepAliveInterval");
    positive(keepAliveMaxLifetime, "keepAliveMaxLifetime");
    positive(connectTimeout, "connectTimeout");
    positive(protocolDetectTimeout, "protocolDetectTimeout");
    positive(idleTimeout, "idleTimeout");
    positive(requestReadTimeout, "requestReadTimeout");
    positive(writeTimeout, "writeTimeout");
  }

  private static void positive(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }

  /**
   * Returns the defaults: 64 MiB payloads, 64 KiB fragments, a keep-alive probe every 20 s and 90 s
   * without a frame before a connection is dead, a 5 s connect timeout, 10 s for a connection's first
   * bytes, 10,000 connections per server, 16,384 calls in flight per connection, 30 s before an idle
   * connection is closed, 10 s for an HTTP request to arrive and 30 s for a peer that does not read.
   */
  public static TransportOptions defaults() {
    return new TransportOptions(DEFAULT_MAX_INBOUND_PAYLOAD_SIZE, 64 * 1024, Duration.ofSeconds(20),
        Duration.ofSeconds(90), Duration.ofSeconds(5), Duration.ofSeconds(10), DEFAULT_MAX_CONNECTIONS,
        DEFAULT_MAX_CALLS_PER_CONNECTION, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(30));
  }

  /** Returns these options with another maximum inbound payload size, in bytes. */
  public TransportOptions withMaxInboundPayloadSize(int bytes) {
    return new TransportOptions(bytes, fragmentSize, keepAliveInterval, keepAliveMaxLifetime, connectTimeout,
        protocolDetectTimeout, maxConnections, maxCallsPerConnection, idleTimeout, requestReadTimeout, writeTimeout);
  }

  /** Returns these options with another fragment size, in bytes. */
  public TransportOptions withFragmentSize(int bytes) {
    return new TransportOptions(maxInboundPayloadSize, bytes, keepAliveInterval, keepAliveMaxLifetime,
        connectTimeout, protocolDetectTimeout, maxConnections, maxCallsPerConnection, idleTimeout,
        requestReadTimeout, writeTimeout);
  }

  /** Returns these options with another keep-alive interval and lifetime. */
  public TransportOptions withKeepAlive(Duration interval, Duration maxLifetime) {
    return new TransportOptions(maxInboundPayloadSize, fragmentSize, interval, maxLifetime, connectTimeout,
        protocolDetectTimeout, maxConnections, maxCallsPerConnection, idleTimeout, requestReadTimeout, writeTimeout);
  }

  /** Returns these options with another connect timeout. */
  public TransportOptions withConnectTimeout(Duration timeout) {
    return new TransportOptions(maxInboundPayloadSize, fragmentSize, keepAliveInterval, keepAliveMaxLifetime,
        timeout, protocolDetectTimeout, maxConnections, maxCallsPerConnection, idleTimeout, requestReadTimeout,
        writeTimeout);
  }

  /** Returns these options with another time for a new connection's first bytes and SETUP frame. */
  public TransportOptions withProtocolDetectTimeout(Duration timeout) {
    return new TransportOptions(maxInboundPayloadSize, fragmentSize, keepAliveInterval, keepAliveMaxLifetime,
        connectTimeout, timeout, maxConnections, maxCallsPerConnection, idleTimeout, requestReadTimeout,
        writeTimeout);
  }

  /** Returns these options with another maximum of connections a server holds at once. */
  public TransportOptions withMaxConnections(int connections) {
    return new TransportOptions(maxInboundPayloadSize, fragmentSize, keepAliveInterval, keepAliveMaxLifetime,
        connectTimeout, protocolDetectTimeout, connections, maxCallsPerConnection, idleTimeout, requestReadTimeout,
        writeTimeout);
  }

  /** Returns these options with another maximum of calls in flight on one connection. */
  public TransportOptions withMaxCallsPerConnection(int calls) {
    return new TransportOptions(maxInboundPayloadSize, fragmentSize, keepAliveInterval, keepAliveMaxLifetime,
        connectTimeout, protocolDetectTimeout, maxConnections, calls, idleTimeout, requestReadTimeout, writeTimeout);
  }

  /** Returns these options with another time after which a connection with no call in flight is closed. */
  public TransportOptions withIdleTimeout(Duration timeout) {
    return new TransportOptions(maxInboundPayloadSize, fragmentSize, keepAliveInterval, keepAliveMaxLifetime,
        connectTimeout, protocolDetectTimeout, maxConnections, maxCallsPerConnection, timeout, requestReadTimeout,
        writeTimeout);
  }

  /** Returns these options with another time for an HTTP request's head and body to arrive. */
  public TransportOptions withRequestReadTimeout(Duration timeout) {
    return new TransportOptions(maxInboundPayloadSize, fragmentSize, keepAliveInterval, keepAliveMaxLifetime,
        connectTimeout, protocolDetectTimeout, maxConnections, maxCallsPerConnection, idleTimeout, timeout,
        writeTimeout);
  }

  /** Returns these options with another time a peer may leave a connection's outbound buffer full. */
  public TransportOptions withWriteTimeout(Duration timeout) {
    return new TransportOptions(maxInboundPayloadSize, fragmentSize, keepAliveInterval, keepAliveMaxLifetime,
        connectTimeout, protocolDetectTimeout, maxConnections, maxCallsPerConnection, idleTimeout, requestReadTimeout,
        timeout);
  }
}
