package io.reactivemicro.benchmarks.client;

import java.util.function.Supplier;
import reactor.core.publisher.Sinks;

/** A channel's sending side for Reactor clients: requests go into a unicast sink the transport drains. */
final class SinkChannel<T> implements Driver.Channel {

  private final Sinks.Many<T> requests;
  private final Supplier<T> request;

  SinkChannel(Sinks.Many<T> requests, Supplier<T> request) {
    this.requests = requests;
    this.request = request;
  }

  @Override
  public void send() {
    requests.emitNext(request.get(), Sinks.EmitFailureHandler.FAIL_FAST);
  }

  @Override
  public void complete() {
    requests.emitComplete(Sinks.EmitFailureHandler.FAIL_FAST);
  }

  @Override
  public boolean ready() {
    return true;
  }
}
