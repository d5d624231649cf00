package io.reactivemicro.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a transport, immutable; change one with its {@code with...} method.
 *
 * @param maxInboundPayloadSize the largest request or response accepted, in bytes, after reassembly of
 *     fragments; larger ones are refused with a 413
 * @param fragmentSize the size in bytes of the fragments a payload larger than it is sent in
 * @param keepAliveInterval how often an idle connection is probed
 * @param keepAliveMaxLifetime how long a connection may go without answering probes before it is closed
 * @param connectTimeout how long connecting to a node may take
 * @param protocolDetectTimeout how long a new connection may take to send its first bytes, and an RSocket
 *     connection its whole SETUP frame
 */
public record TransportOptions(int maxInboundPayloadSize, int fragmentSize, Duration keepAliveInterval,
    Duration keepAliveMaxLifetime, Duration connectTimeout, Duration protocolDetectTimeout) {

  /** The default largest payload: 64 MiB. */
  public static final int DEFAULT_MAX_INBOUND_PAYLOAD_SIZE = 64 * 1024 * 1024;

  /** Checks the settings. */
  public TransportOptions {
    if (maxInboundPayloadSize < 64) {
      throw new IllegalArgumentException("maxInboundPayloadSize must be at least 64 bytes");
    }
    if (fragmentSize < 64) {
      throw new IllegalArgumentException("fragmentSize must be at least 64 bytes");
    }
    Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
    Objects.requireNonNull(keepAliveMaxLifetime, "keepAliveMaxLifetime");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(protocolDetectTimeout, "protocolDetectTimeout");
  }

  /**
   * Returns the defaults: 64 MiB payloads, 64 KiB fragments, a keepalive probe every 20 s with a
   * 90 s lifetime, a 5 s connect timeout and 10 s for a connection's first bytes.
   */
  public static TransportOptions defaults() {
    return new TransportOptions(DEFAULT_MAX_INBOUND_PAYLOAD_SIZE, 64 * 1024, Duration.ofSeconds(20),
        Duration.ofSeconds(90), Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  /** Returns these options with another maximum inbound payload size, in bytes. */
  public TransportOptions withMaxInboundPayloadSize(int bytes) {
    return new TransportOptions(bytes, fragmentSize, keepAliveInterval, keepAliveMaxLifetime, connectTimeout,
        protocolDetectTimeout);
  }

  /** Returns these options with another fragment size, in bytes. */
  public TransportOptions withFragmentSize(int bytes) {
    return new TransportOptions(maxInboundPayloadSize, bytes, keepAliveInterval, keepAliveMaxLifetime,
        connectTimeout, protocolDetectTimeout);
  }

  /** Returns these options with another keepalive interval and lifetime. */
  public TransportOptions withKeepAlive(Duration interval, Duration maxLifetime) {
    return new TransportOptions(maxInboundPayloadSize, fragmentSize, interval, maxLifetime, connectTimeout,
        protocolDetectTimeout);
  }

  /** Returns these options with another connect timeout. */
  public TransportOptions withConnectTimeout(Duration timeout) {
    return new TransportOptions(maxInboundPayloadSize, fragmentSize, keepAliveInterval, keepAliveMaxLifetime,
        timeout, protocolDetectTimeout);
  }
}
