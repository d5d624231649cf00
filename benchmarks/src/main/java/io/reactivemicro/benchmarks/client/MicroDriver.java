package io.reactivemicro.benchmarks.client;

import io.reactivemicro.benchmarks.Payloads;
import io.reactivemicro.benchmarks.Payloads.Order;
import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.client.Client;
import io.reactivemicro.codec.BytesCodec;
import io.reactivemicro.registry.Registry;
import java.time.Duration;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Sinks;

/**
 * Our client over RSocket to a fixed address, as an application would call a service: {@code micro}
 * sends {@link Order} objects through the JSON codec, {@code micro-bytes} sends the request bytes through
 * the bytes codec. The client's defaults stay in place, such as the 5 s timeout of each call.
 */
public final class MicroDriver implements Driver {

  private final Client client;
  private final RequestOptions options;
  private final boolean bytes;

  /**
   * Connects to a server.
   *
   * @param port the server's port on 127.0.0.1
   * @param bytes whether to call with the bytes codec
   */
  public MicroDriver(int port, boolean bytes) {
    this.client = Client.builder().registry(Registry.memory()).build();
    RequestOptions fixed = RequestOptions.defaults().withAddress("127.0.0.1:" + port);
    this.options = bytes ? fixed.withContentType(BytesCodec.CONTENT_TYPE) : fixed;
    this.bytes = bytes;
    verify();
  }

  /** Returns the client, for scenarios that drive it themselves. */
  public Client client() {
    return client;
  }

  /** Returns the options of every call: the fixed address and, for bytes, the content type. */
  public RequestOptions options() {
    return options;
  }

  private void verify() {
    if (bytes) {
      byte[] response = client.<byte[]>call(Payloads.SERVICE, Payloads.ECHO_BYTES, Payloads.REQUEST, byte[].class, options)
          .block(Duration.ofSeconds(10));
      Payloads.checkEcho("micro-bytes", response);
    } else {
      Order response = client.call(Payloads.SERVICE, Payloads.ECHO, Payloads.ORDER, Order.class, options)
          .block(Duration.ofSeconds(10));
      if (!Payloads.ORDER.equals(response)) {
        throw new IllegalStateException("micro answered " + response);
      }
    }
  }

  @Override
  public void call(Done done) {
    if (bytes) {
      client.<byte[]>call(Payloads.SERVICE, Payloads.ECHO_BYTES, Payloads.REQUEST, byte[].class, options)
          .subscribe(Subscribers.call(done));
    } else {
      client.call(Payloads.SERVICE, Payloads.ECHO, Payloads.ORDER, Order.class, options)
          .subscribe(Subscribers.call(done));
    }
  }

  @Override
  public Disposable stream(Messages messages) {
    if (bytes) {
      BaseSubscriber<byte[]> subscriber = Subscribers.messages(messages, Payloads.WINDOW);
      client.stream(Payloads.SERVICE, Payloads.STREAM_BYTES, Payloads.REQUEST, byte[].class, options)
          .subscribe(subscriber);
      return subscriber;
    }
    BaseSubscriber<Order> subscriber = Subscribers.messages(messages, Payloads.WINDOW);
    client.stream(Payloads.SERVICE, Payloads.STREAM, Payloads.ORDER, Order.class, options).subscribe(subscriber);
    return subscriber;
  }

  @Override
  public Channel channel(ChannelEvents events) {
    if (bytes) {
      Sinks.Many<byte[]> requests = Sinks.many().unicast().onBackpressureBuffer();
      client.channel(Payloads.SERVICE, Payloads.CHANNEL_BYTES, requests.asFlux(), byte[].class, options)
          .subscribe(Subscribers.unbounded(events));
      return new SinkChannel<>(requests, () -> Payloads.REQUEST);
    }
    Sinks.Many<Order> requests = Sinks.many().unicast().onBackpressureBuffer();
    client.channel(Payloads.SERVICE, Payloads.CHANNEL, requests.asFlux(), Order.class, options)
        .subscribe(Subscribers.unbounded(events));
    return new SinkChannel<>(requests, () -> Payloads.ORDER);
  }

  @Override
  public Disposable open(Messages messages) {
    BaseSubscriber<Order> subscriber = Subscribers.messages(messages, Payloads.WINDOW);
    client.stream(Payloads.SERVICE, Payloads.OPEN, Payloads.ORDER, Order.class, options).subscribe(subscriber);
    return subscriber;
  }

  @Override
  public void close() {
    client.close().block(Duration.ofSeconds(10));
  }
}
