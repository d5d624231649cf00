package io.reactivemicro.client;

import io.reactivemicro.metadata.Metadata;
import io.reactivemicro.selector.Filter;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Per-call options, immutable: each {@code with} method returns a copy. What a call leaves unset comes
 * from the client's defaults ({@link Client.Builder#defaults(RequestOptions)}).
 *
 * <pre>{@code
 * RequestOptions options = RequestOptions.defaults()
 *     .withTimeout(Duration.ofMillis(500))
 *     .withMetadata("X-Tenant", "acme")
 *     .withIdempotent(true)
 *     .withRetries(3);
 * }</pre>
 */
public final class RequestOptions {

  private static final RequestOptions NONE =
      new RequestOptions(null, null, Metadata.empty(), null, null, null, null, Filter.any(), null, null);

  private final @Nullable Duration timeout;
  private final @Nullable String contentType;
  private final Metadata metadata;
  private final @Nullable Integer retries;
  private final @Nullable Boolean idempotent;
  private final @Nullable String address;
  private final @Nullable Duration backoff;
  private final Filter filter;
  private final @Nullable Duration streamTimeout;
  private final @Nullable Duration streamIdleTimeout;

  private RequestOptions(@Nullable Duration timeout, @Nullable String contentType, Metadata metadata,
      @Nullable Integer retries, @Nullable Boolean idempotent, @Nullable String address, @Nullable Duration backoff,
      Filter filter, @Nullable Duration streamTimeout, @Nullable Duration streamIdleTimeout) {
    this.timeout = timeout;
    this.contentType = contentType;
    this.metadata = metadata;
    this.retries = retries;
    this.idempotent = idempotent;
    this.address = address;
    this.backoff = backoff;
    this.filter = filter;
    this.streamTimeout = streamTimeout;
    this.streamIdleTimeout = streamIdleTimeout;
  }

  /** Returns options with nothing set. */
  public static RequestOptions defaults() {
    return NONE;
  }

  /**
   * Returns these options with a timeout for request-response and fire-and-forget calls, per attempt.
   * Streams and channels are bounded by {@link #withStreamTimeout(Duration)} and
   * {@link #withStreamIdleTimeout(Duration)} instead.
   */
  public RequestOptions withTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return new RequestOptions(timeout, contentType, metadata, retries, idempotent, address, backoff, filter,
        streamTimeout, streamIdleTimeout);
  }

  /** Returns these options with the content type to encode the request and decode the response in. */
  public RequestOptions withContentType(String contentType) {
    Objects.requireNonNull(contentType, "contentType");
    return new RequestOptions(timeout, contentType, metadata, retries, idempotent, address, backoff, filter,
        streamTimeout, streamIdleTimeout);
  }

  /** Returns these options with one more header, sent on top of the metadata in the caller's context. */
  public RequestOptions withMetadata(String key, String value) {
    return new RequestOptions(timeout, contentType, metadata.with(key, value), retries, idempotent, address, backoff, filter,
        streamTimeout, streamIdleTimeout);
  }

  /** Returns these options with more headers. */
  public RequestOptions withMetadata(Metadata more) {
    return new RequestOptions(timeout, contentType, metadata.merge(more), retries, idempotent, address, backoff, filter,
        streamTimeout, streamIdleTimeout);
  }

  /**
   * Returns these options with how many times a call to an idempotent endpoint that failed with a
   * {@code 408}, {@code 502}, {@code 503} or {@code 504} is sent again, each time to the next node.
   * Calls to endpoints not idempotent are never sent again once they may have reached a node; a node
   * that could not be reached, before anything was sent, is skipped for the next whatever the endpoint,
   * without counting as a retry.
   */
  public RequestOptions withRetries(int retries) {
    if (retries < 0) {
      throw new IllegalArgumentException("retries must not be negative");
    }
    return new RequestOptions(timeout, contentType, metadata, retries, idempotent, address, backoff, filter,
        streamTimeout, streamIdleTimeout);
  }

  /**
   * Returns these options saying whether the endpoint may run twice, which allows retries. When unset,
   * the service's registration decides: an endpoint declared {@code @Endpoint(idempotent = true)} is.
   */
  public RequestOptions withIdempotent(boolean idempotent) {
    return new RequestOptions(timeout, contentType, metadata, retries, idempotent, address, backoff, filter,
        streamTimeout, streamIdleTimeout);
  }

  /** Returns these options sending the call to a fixed {@code host:port} rather than selecting a node. */
  public RequestOptions withAddress(String address) {
    Objects.requireNonNull(address, "address");
    return new RequestOptions(timeout, contentType, metadata, retries, idempotent, address, backoff, filter,
        streamTimeout, streamIdleTimeout);
  }

  /** Returns these options with the pause before the first retry; it doubles with each retry after. */
  public RequestOptions withBackoff(Duration backoff) {
    Objects.requireNonNull(backoff, "backoff");
    return new RequestOptions(timeout, contentType, metadata, retries, idempotent, address, backoff, filter,
        streamTimeout, streamIdleTimeout);
  }

  /**
   * Returns these options choosing only among the nodes {@code filter} lets through, such as those of
   * one version or those carrying a {@code track=canary} metadata entry. A filter set here is merged
   * with the client's default one: its version wins, and its metadata entries are added to theirs.
   */
  public RequestOptions withFilter(Filter filter) {
    Objects.requireNonNull(filter, "filter");
    return new RequestOptions(timeout, contentType, metadata, retries, idempotent, address, backoff, filter,
        streamTimeout, streamIdleTimeout);
  }

  /**
   * Returns these options with a time a stream or channel call may last in all: once it has passed, the
   * call is cancelled (on the server too) and fails with a 408. Unset, a stream lasts until it ends.
   */
  public RequestOptions withStreamTimeout(Duration total) {
    positive(total, "streamTimeout");
    return new RequestOptions(timeout, contentType, metadata, retries, idempotent, address, backoff, filter, total,
        streamIdleTimeout);
  }

  /**
   * Returns these options with a time a stream or channel call may go without a message: when no message
   * arrives for that long, the call is cancelled (on the server too) and fails with a 408. Unset, a stream
   * may wait for its next message for ever.
   */
  public RequestOptions withStreamIdleTimeout(Duration idle) {
    positive(idle, "streamIdleTimeout");
    return new RequestOptions(timeout, contentType, metadata, retries, idempotent, address, backoff, filter,
        streamTimeout, idle);
  }

  private static void positive(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }

  /** Returns how long a stream or channel call may last in all, or {@code null} when unset. */
  public @Nullable Duration streamTimeout() {
    return streamTimeout;
  }

  /** Returns how long a stream or channel call may go without a message, or {@code null} when unset. */
  public @Nullable Duration streamIdleTimeout() {
    return streamIdleTimeout;
  }

  /** Returns the node filter; {@link Filter#any()} when unset. */
  public Filter filter() {
    return filter;
  }

  /** Returns the timeout, or {@code null} when unset. */
  public @Nullable Duration timeout() {
    return timeout;
  }

  /** Returns the content type, or {@code null} when unset. */
  public @Nullable String contentType() {
    return contentType;
  }

  /** Returns the headers added by these options. */
  public Metadata metadata() {
    return metadata;
  }

  /** Returns the number of retries, or {@code null} when unset. */
  public @Nullable Integer retries() {
    return retries;
  }

  /** Returns whether the endpoint is idempotent, or {@code null} when unset. */
  public @Nullable Boolean idempotent() {
    return idempotent;
  }

  /** Returns the fixed address, or {@code null} when the node is selected. */
  public @Nullable String address() {
    return address;
  }

  /** Returns the retry back-off, or {@code null} when unset. */
  public @Nullable Duration backoff() {
    return backoff;
  }

  /**
   * Returns these options with what they leave unset taken from {@code defaults}.
   *
   * @param defaults the fallback
   * @return the merged options
   */
  public RequestOptions orElse(RequestOptions defaults) {
    return new RequestOptions(
        timeout != null ? timeout : defaults.timeout,
        contentType != null ? contentType : defaults.contentType,
        defaults.metadata.merge(metadata),
        retries != null ? retries : defaults.retries,
        idempotent != null ? idempotent : defaults.idempotent,
        address != null ? address : defaults.address,
        backoff != null ? backoff : defaults.backoff,
        filter.orElse(defaults.filter),
        streamTimeout != null ? streamTimeout : defaults.streamTimeout,
        streamIdleTimeout != null ? streamIdleTimeout : defaults.streamIdleTimeout);
  }

  @Override
  public String toString() {
    return "RequestOptions{timeout=" + timeout + ", contentType=" + contentType + ", metadata=" + metadata
        + ", retries=" + retries + ", idempotent=" + idempotent + ", address=" + address + ", backoff=" + backoff
        + ", filter=" + filter + ", streamTimeout=" + streamTimeout + ", streamIdleTimeout=" + streamIdleTimeout
        + '}';
  }
}
