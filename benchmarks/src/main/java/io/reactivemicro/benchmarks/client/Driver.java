package io.reactivemicro.benchmarks.client;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * The client side of one implementation: each method starts one interaction and reports through its
 * callback, on whatever thread the implementation calls back on. Implementations that do not take part
 * in a scenario throw {@link UnsupportedOperationException}.
 */
public interface Driver extends AutoCloseable {

  /** What a call reports when it ends. */
  @FunctionalInterface
  interface Done {
    /** The call ended, with {@code null} on success. */
    void done(@Nullable Throwable error);
  }

  /** What a stream reports. */
  interface Messages {
    /** One message arrived. */
    void onMessage();

    /** The stream ended, with {@code null} when it completed. */
    void onEnd(@Nullable Throwable error);
  }

  /** The sending side of an open channel; calls to it are serialized by the caller. */
  interface Channel {
    /** Sends one request. */
    void send();

    /** Sends the end of the requests. */
    void complete();

    /** Returns whether the transport would take another request without buffering it. */
    boolean ready();
  }

  /** What a channel reports. */
  interface ChannelEvents extends Messages {
    /** The transport can take more requests. */
    void onReady();
  }

  /** Makes one request-response call with the request bytes, or the object they decode to. */
  void call(Done done);

  /**
   * Opens a request-stream of {@link io.reactivemicro.benchmarks.Payloads#STREAM_MESSAGES} messages,
   * asking for {@link io.reactivemicro.benchmarks.Payloads#WINDOW} at first and for more as three
   * quarters of them arrive.
   *
   * @return what cancels the stream
   */
  Disposable stream(Messages messages);

  /** Opens an echo channel. */
  Channel channel(ChannelEvents events);

  /** Opens a stream that sends one message and stays open until disposed. */
  Disposable open(Messages messages);

  /** Releases connections. */
  @Override
  void close();
}
