package io.reactivemicro.benchmarks.client;

import io.reactivemicro.benchmarks.Payloads;
import io.reactivemicro.benchmarks.proto.Order;
import io.reactivemicro.client.Client;
import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.codec.ProtobufCodec;
import io.reactivemicro.registry.Registry;
import java.time.Duration;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Sinks;

/**
 * {@code micro-proto}: our client over RSocket to a fixed address, as {@code micro} is, sending the
 * {@link Order} message generated from {@code bench.proto} with the {@code application/protobuf}
 * content type, so that our Protobuf codec encodes and decodes every message on both sides. The
 * client's defaults stay in place, such as the 5 s timeout of each call.
 */
public final class MicroProtoDriver implements Driver {

  private final Client client;
  private final RequestOptions options;

  /**
   * Connects to a server.
   *
   * @param port the server's port on 127.0.0.1
   */
  public MicroProtoDriver(int port) {
    this.client = Client.builder().registry(Registry.memory()).build();
    this.options = RequestOptions.defaults()
        .withAddress("127.0.0.1:" + port)
        .withContentType(ProtobufCodec.CONTENT_TYPE);
    Order response = client.call(Payloads.SERVICE, Payloads.ECHO_PROTO, Payloads.PROTO_ORDER, Order.class, options)
        .block(Duration.ofSeconds(10));
    Payloads.checkEcho("micro-proto", response);
  }

  @Override
  public void call(Done done) {
    client.call(Payloads.SERVICE, Payloads.ECHO_PROTO, Payloads.PROTO_ORDER, Order.class, options)
        .subscribe(Subscribers.call(done));
  }

  @Override
  public Disposable stream(Messages messages) {
    BaseSubscriber<Order> subscriber = Subscribers.messages(messages, Payloads.WINDOW);
    client.stream(Payloads.SERVICE, Payloads.STREAM_PROTO, Payloads.PROTO_ORDER, Order.class, options)
        .subscribe(subscriber);
    return subscriber;
  }

  @Override
  public Channel channel(ChannelEvents events) {
    Sinks.Many<Order> requests = Sinks.many().unicast().onBackpressureBuffer();
    client.channel(Payloads.SERVICE, Payloads.CHANNEL_PROTO, requests.asFlux(), Order.class, options)
        .subscribe(Subscribers.unbounded(events));
    return new SinkChannel<>(requests, () -> Payloads.PROTO_ORDER);
  }

  @Override
  public Disposable open(Messages messages) {
    throw new UnsupportedOperationException("micro-proto does not take part in streams-10k");
  }

  @Override
  public void close() {
    client.close().block(Duration.ofSeconds(10));
  }
}
