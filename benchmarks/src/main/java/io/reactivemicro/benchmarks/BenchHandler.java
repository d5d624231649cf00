package io.reactivemicro.benchmarks;

import io.reactivemicro.benchmarks.Payloads.Order;
import io.reactivemicro.server.Handler;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The endpoints the {@code micro} server serves, one per scenario: records through the JSON codec
 * ({@code micro}), bytes through the bytes codec ({@code micro-bytes}) and the message generated from
 * {@code bench.proto} through the Protobuf codec ({@code micro-proto}).
 */
@Handler("Bench")
public final class BenchHandler {

  /** {@code Bench.Echo}: answers the request with itself, through the JSON codec. */
  public Mono<Order> echo(Order order) {
    return Mono.just(order);
  }

  /** {@code Bench.EchoBytes}: answers the bytes with themselves, through the bytes codec. */
  public Mono<byte[]> echoBytes(byte[] bytes) {
    return Mono.just(bytes);
  }

  /** {@code Bench.EchoProto}: answers the generated message with itself, through the Protobuf codec. */
  public Mono<io.reactivemicro.benchmarks.proto.Order> echoProto(io.reactivemicro.benchmarks.proto.Order order) {
    return Mono.just(order);
  }

  /** {@code Bench.Stream}: a million copies of the request, as the caller asks for them. */
  public Flux<Order> stream(Order order) {
    return Flux.range(0, Payloads.STREAM_MESSAGES).map(i -> order);
  }

  /** {@code Bench.StreamBytes}: {@code Bench.Stream} through the bytes codec. */
  public Flux<byte[]> streamBytes(byte[] bytes) {
    return Flux.range(0, Payloads.STREAM_MESSAGES).map(i -> bytes);
  }

  /** {@code Bench.ChannelBytes}: {@code Bench.Channel} through the bytes codec. */
  public Flux<byte[]> channelBytes(Flux<byte[]> requests) {
    return requests;
  }

  /** {@code Bench.StreamProto}: {@code Bench.Stream} with the generated message. */
  public Flux<io.reactivemicro.benchmarks.proto.Order> streamProto(io.reactivemicro.benchmarks.proto.Order order) {
    return Flux.range(0, Payloads.STREAM_MESSAGES).map(i -> order);
  }

  /** {@code Bench.Channel}: echoes each request. */
  public Flux<Order> channel(Flux<Order> orders) {
    return orders;
  }

  /** {@code Bench.ChannelProto}: {@code Bench.Channel} with the generated message. */
  public Flux<io.reactivemicro.benchmarks.proto.Order> channelProto(Flux<io.reactivemicro.benchmarks.proto.Order> orders) {
    return orders;
  }

  /** {@code Bench.Open}: one copy of the request, then the stream stays open until cancelled. */
  public Flux<Order> open(Order order) {
    return Flux.just(order).concatWith(Flux.never());
  }

  /** {@code Bench.Slow}: ten million copies of the request, as the caller asks for them. */
  public Flux<Order> slow(Order order) {
    return Flux.range(0, Payloads.SLOW_STREAM_MESSAGES).map(i -> order);
  }
}
