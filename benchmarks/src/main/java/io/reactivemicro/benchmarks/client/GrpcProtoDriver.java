package io.reactivemicro.benchmarks.client;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.reactivemicro.benchmarks.Payloads;
import io.reactivemicro.benchmarks.proto.BenchGrpc;
import io.reactivemicro.benchmarks.proto.Order;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;

/**
 * {@code grpc-proto}: gRPC-java as its documentation shows it, with the stubs protoc-gen-grpc-java
 * generates from {@code bench.proto} ({@link BenchGrpc}) and the {@link Order} message; the same
 * transport as {@code grpc} ({@link GrpcDriver#channel}), the same flow control.
 */
public final class GrpcProtoDriver implements Driver {

  private final EventLoopGroup loop = new NioEventLoopGroup(1);
  private final ManagedChannel channel;
  private final BenchGrpc.BenchStub stub;

  /**
   * Connects to a server.
   *
   * @param port the server's port on 127.0.0.1
   */
  public GrpcProtoDriver(int port) {
    this.channel = GrpcDriver.channel(port, loop);
    this.stub = BenchGrpc.newStub(channel);
    Order response = BenchGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echo(Payloads.PROTO_ORDER);
    Payloads.checkEcho("grpc-proto", response);
  }

  @Override
  public void call(Done done) {
    stub.echo(Payloads.PROTO_ORDER, GrpcObservers.unary(done));
  }

  @Override
  public Disposable stream(Messages messages) {
    return GrpcObservers.<Order>stream(observer -> stub.stream(Payloads.PROTO_ORDER, observer), messages);
  }

  @Override
  public Channel channel(ChannelEvents events) {
    return GrpcObservers.<Order>channel(stub::channel, Payloads.PROTO_ORDER, events);
  }

  @Override
  public Disposable open(Messages messages) {
    throw new UnsupportedOperationException("grpc-proto does not take part in streams-10k");
  }

  @Override
  public void close() {
    GrpcDriver.close(channel, loop);
  }
}
