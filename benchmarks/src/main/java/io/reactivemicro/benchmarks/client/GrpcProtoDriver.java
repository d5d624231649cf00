package io.reactivemicro.benchmarks.client;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
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
    stub.echo(Payloads.PROTO_ORDER, new StreamObserver<>() {
      @Override
      public void onNext(Order value) {}

      @Override
      public void onError(Throwable error) {
        done.done(error);
      }

      @Override
      public void onCompleted() {
        done.done(null);
      }
    });
  }

  @Override
  public Disposable stream(Messages messages) {
    ClientCallStreamObserver<Order>[] started = newArray();
    stub.stream(Payloads.PROTO_ORDER, new ClientResponseObserver<Order, Order>() {
      private final int replenish = Payloads.WINDOW - (Payloads.WINDOW >> 2);
      private ClientCallStreamObserver<Order> call;
      private int received;

      @Override
      public void beforeStart(ClientCallStreamObserver<Order> call) {
        this.call = call;
        started[0] = call;
        call.disableAutoRequestWithInitial(Payloads.WINDOW);
      }

      @Override
      public void onNext(Order value) {
        messages.onMessage();
        if (++received == replenish) {
          received = 0;
          call.request(replenish);
        }
      }

      @Override
      public void onError(Throwable error) {
        messages.onEnd(error);
      }

      @Override
      public void onCompleted() {
        messages.onEnd(null);
      }
    });
    ClientCallStreamObserver<Order> call = started[0];
    return () -> call.cancel("stopped", null);
  }

  @Override
  public Channel channel(ChannelEvents events) {
    ClientCallStreamObserver<Order>[] requests = newArray();
    stub.channel(new ClientResponseObserver<Order, Order>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<Order> call) {
        requests[0] = call;
        call.setOnReadyHandler(events::onReady);
      }

      @Override
      public void onNext(Order value) {
        events.onMessage();
      }

      @Override
      public void onError(Throwable error) {
        events.onEnd(error);
      }

      @Override
      public void onCompleted() {
        events.onEnd(null);
      }
    });
    ClientCallStreamObserver<Order> call = requests[0];
    return new Channel() {
      @Override
      public void send() {
        call.onNext(Payloads.PROTO_ORDER);
      }

      @Override
      public void complete() {
        call.onCompleted();
      }

      @Override
      public boolean ready() {
        return call.isReady();
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static ClientCallStreamObserver<Order>[] newArray() {
    return new ClientCallStreamObserver[1];
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
