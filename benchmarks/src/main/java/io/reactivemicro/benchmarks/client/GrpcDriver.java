package io.reactivemicro.benchmarks.client;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NegotiationType;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.ClientCalls;
import io.reactivemicro.benchmarks.GrpcBench;
import io.reactivemicro.benchmarks.Payloads;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;

/**
 * gRPC-java over Netty (shaded), plaintext HTTP/2 on one channel with one event loop, callbacks on the
 * event loop ({@code directExecutor}), messages marshalled as the bytes they are.
 */
public final class GrpcDriver implements Driver {

  private final EventLoopGroup loop = new NioEventLoopGroup(1);
  private final ManagedChannel channel;

  /**
   * Connects to a server.
   *
   * @param port the server's port on 127.0.0.1
   */
  public GrpcDriver(int port) {
    this.channel = channel(port, loop);
    byte[] response = ClientCalls.blockingUnaryCall(channel, GrpcBench.ECHO,
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), Payloads.REQUEST);
    Payloads.checkEcho("grpc", response);
  }

  @Override
  public void call(Done done) {
    ClientCalls.asyncUnaryCall(channel.newCall(GrpcBench.ECHO, CallOptions.DEFAULT), Payloads.REQUEST,
        GrpcObservers.unary(done));
  }

  @Override
  public Disposable stream(Messages messages) {
    return GrpcObservers.<byte[]>stream(observer -> ClientCalls.asyncServerStreamingCall(
        channel.newCall(GrpcBench.STREAM, CallOptions.DEFAULT), Payloads.REQUEST, observer), messages);
  }

  @Override
  public Channel channel(ChannelEvents events) {
    return GrpcObservers.<byte[]>channel(observer -> ClientCalls.asyncBidiStreamingCall(
        channel.newCall(GrpcBench.CHANNEL, CallOptions.DEFAULT), observer), Payloads.REQUEST, events);
  }

  @Override
  public Disposable open(Messages messages) {
    throw new UnsupportedOperationException("grpc does not take part in streams-10k");
  }

  @Override
  public void close() {
    close(channel, loop);
  }

  /**
   * Opens the channel of a gRPC client: plaintext HTTP/2 to 127.0.0.1 on one event loop, callbacks on
   * that loop. Shared with {@link GrpcProtoDriver}, so that both gRPC clients run the same transport.
   */
  static ManagedChannel channel(int port, EventLoopGroup loop) {
    return NettyChannelBuilder.forAddress("127.0.0.1", port)
        .negotiationType(NegotiationType.PLAINTEXT)
        .eventLoopGroup(loop)
        .channelType(NioSocketChannel.class)
        .directExecutor()
        .build();
  }

  /** Closes what {@link #channel(int, EventLoopGroup)} opened. */
  static void close(ManagedChannel channel, EventLoopGroup loop) {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
