package io.reactivemicro.rsocket.internal;

import io.netty.buffer.ByteBuf;
import io.rsocket.frame.FrameType;
import io.rsocket.plugins.RequestInterceptor;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Counts the calls in flight on one RSocket connection as rsocket-java's requester or responder starts and
 * ends them: a request rejected before it started is not counted. Thread-safe; its callbacks come from
 * any thread.
 */
final class CallsInFlight implements RequestInterceptor {

  private final AtomicInteger count = new AtomicInteger();

  /** Returns how many calls are in flight now. */
  int get() {
    return count.get();
  }

  @Override
  public void onStart(int streamId, FrameType requestType, @Nullable ByteBuf metadata) {
    count.incrementAndGet();
  }

  @Override
  public void onTerminate(int streamId, FrameType requestType, @Nullable Throwable t) {
    count.decrementAndGet();
  }

  @Override
  public void onCancel(int streamId, FrameType requestType) {
    count.decrementAndGet();
  }

  @Override
  public void onReject(Throwable rejectionReason, FrameType requestType, @Nullable ByteBuf metadata) {
    // Not started, so not counted.
  }

  @Override
  public void dispose() {
    // Nothing held.
  }
}
