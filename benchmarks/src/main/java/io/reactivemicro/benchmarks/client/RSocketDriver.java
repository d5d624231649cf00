package io.reactivemicro.benchmarks.client;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.reactivemicro.benchmarks.Payloads;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.core.RSocketConnector;
import io.rsocket.frame.decoder.PayloadDecoder;
import io.rsocket.transport.netty.client.TcpClientTransport;
import io.rsocket.util.ByteBufPayload;
import io.rsocket.util.DefaultPayload;
import java.time.Duration;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Sinks;

/**
 * Raw RSocket-java: one connection, zero-copy payloads, no metadata, no codec; the protocol's ceiling.
 */
public final class RSocketDriver implements Driver {

  private final RSocket rsocket;

  /**
   * Connects to a server.
   *
   * @param port the server's port on 127.0.0.1
   * @param scenario the scenario, named in the SETUP data for the server to choose its streams by
   */
  public RSocketDriver(int port, String scenario) {
    this.rsocket = RSocketConnector.create()
        .setupPayload(DefaultPayload.create(scenario))
        .payloadDecoder(PayloadDecoder.ZERO_COPY)
        .connect(TcpClientTransport.create("127.0.0.1", port))
        .block(Duration.ofSeconds(10));
    Payload response = rsocket.requestResponse(request()).block(Duration.ofSeconds(10));
    try {
      Payloads.checkEcho("rsocket", ByteBufUtil.getBytes(response.sliceData()));
    } finally {
      response.release();
    }
  }

  private static Payload request() {
    return ByteBufPayload.create(Unpooled.wrappedBuffer(Payloads.REQUEST));
  }

  @Override
  public void call(Done done) {
    rsocket.requestResponse(request()).subscribe(Subscribers.call(done));
  }

  @Override
  public Disposable stream(Messages messages) {
    BaseSubscriber<Payload> subscriber = Subscribers.messages(messages, Payloads.WINDOW);
    rsocket.requestStream(request()).subscribe(subscriber);
    return subscriber;
  }

  @Override
  public Channel channel(ChannelEvents events) {
    Sinks.Many<Payload> requests = Sinks.many().unicast().onBackpressureBuffer();
    rsocket.requestChannel(requests.asFlux()).subscribe(Subscribers.unbounded(events));
    return new SinkChannel<>(requests, RSocketDriver::request);
  }

  @Override
  public Disposable open(Messages messages) {
    BaseSubscriber<Payload> subscriber = Subscribers.messages(messages, Payloads.WINDOW);
    rsocket.requestStream(request()).subscribe(subscriber);
    return subscriber;
  }

  @Override
  public void close() {
    rsocket.dispose();
  }
}
