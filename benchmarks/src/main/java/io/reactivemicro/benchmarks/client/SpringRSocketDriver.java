package io.reactivemicro.benchmarks.client;

import io.reactivemicro.benchmarks.Payloads;
import io.reactivemicro.benchmarks.Payloads.Order;
import java.time.Duration;
import org.springframework.core.ResolvableType;
import org.springframework.core.codec.Encoder;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.http.codec.json.JacksonJsonEncoder;
import org.springframework.messaging.rsocket.RSocketRequester;
import org.springframework.messaging.rsocket.RSocketStrategies;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Sinks;

/**
 * Spring's {@link RSocketRequester} over TCP, as a Spring application calls an RSocket service: routes in
 * composite metadata (the requester's default), {@link Order} objects as JSON through Spring's Jackson 3
 * encoder and decoder. The strategies' other defaults stay, among them their pooled Netty buffers, with
 * which the requester decodes frames without copying them, as the other RSocket clients here do.
 */
public final class SpringRSocketDriver implements Driver {

  private final RSocketRequester requester;

  /**
   * Connects to a server.
   *
   * @param port the server's port on 127.0.0.1
   */
  public SpringRSocketDriver(int port) {
    RSocketStrategies strategies = RSocketStrategies.builder()
        .encoder(new JacksonJsonEncoder())
        .decoder(new JacksonJsonDecoder())
        .build();
    this.requester = RSocketRequester.builder()
        .rsocketStrategies(strategies)
        .dataMimeType(MediaType.APPLICATION_JSON)
        .tcp("127.0.0.1", port);
    verify(strategies);
  }

  /** Checks that requests and responses are the bytes every implementation sends, and one echo. */
  private void verify(RSocketStrategies strategies) {
    ResolvableType type = ResolvableType.forClass(Order.class);
    Encoder<Order> encoder = strategies.encoder(type, MediaType.APPLICATION_JSON);
    DataBuffer request = encoder.encodeValue(Payloads.ORDER, strategies.dataBufferFactory(), type,
        MediaType.APPLICATION_JSON, null);
    byte[] requestBytes = new byte[request.readableByteCount()];
    request.read(requestBytes);
    DataBufferUtils.release(request);
    Payloads.checkEcho("spring-rsocket's encoder", requestBytes);
    byte[] echoed = requester.route(Payloads.ECHO).data(Payloads.ORDER).retrieveMono(byte[].class)
        .block(Duration.ofSeconds(10));
    Payloads.checkEcho("spring-rsocket", echoed);
    Order response = requester.route(Payloads.ECHO).data(Payloads.ORDER).retrieveMono(Order.class)
        .block(Duration.ofSeconds(10));
    if (!Payloads.ORDER.equals(response)) {
      throw new IllegalStateException("spring-rsocket answered " + response);
    }
  }

  @Override
  public void call(Done done) {
    requester.route(Payloads.ECHO).data(Payloads.ORDER).retrieveMono(Order.class).subscribe(Subscribers.call(done));
  }

  @Override
  public Disposable stream(Messages messages) {
    BaseSubscriber<Order> subscriber = Subscribers.messages(messages, Payloads.WINDOW);
    requester.route(Payloads.STREAM).data(Payloads.ORDER).retrieveFlux(Order.class).subscribe(subscriber);
    return subscriber;
  }

  @Override
  public Channel channel(ChannelEvents events) {
    Sinks.Many<Order> requests = Sinks.many().unicast().onBackpressureBuffer();
    requester.route(Payloads.CHANNEL).data(requests.asFlux(), Order.class).retrieveFlux(Order.class)
        .subscribe(Subscribers.unbounded(events));
    return new SinkChannel<>(requests, () -> Payloads.ORDER);
  }

  @Override
  public Disposable open(Messages messages) {
    throw new UnsupportedOperationException("spring-rsocket does not take part in streams-10k");
  }

  @Override
  public void close() {
    requester.dispose();
  }
}
