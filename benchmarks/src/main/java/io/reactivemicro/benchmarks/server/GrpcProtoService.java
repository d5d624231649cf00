package io.reactivemicro.benchmarks.server;

import io.grpc.stub.StreamObserver;
import io.reactivemicro.benchmarks.proto.BenchGrpc;
import io.reactivemicro.benchmarks.proto.Order;

/**
 * {@code grpc-proto}'s server: the service generated from {@code bench.proto}, implemented as
 * gRPC-java's documentation shows, with what {@code grpc}'s hand-written service does for each method.
 */
final class GrpcProtoService extends BenchGrpc.BenchImplBase {

  @Override
  public void echo(Order request, StreamObserver<Order> response) {
    response.onNext(request);
    response.onCompleted();
  }

  /** {@link io.reactivemicro.benchmarks.Payloads#STREAM_MESSAGES} copies of the request, as flow control allows. */
  @Override
  public void stream(Order request, StreamObserver<Order> response) {
    BenchServer.stream(request, response);
  }

  @Override
  public StreamObserver<Order> channel(StreamObserver<Order> response) {
    return new StreamObserver<>() {
      @Override
      public void onNext(Order request) {
        response.onNext(request);
      }

      @Override
      public void onError(Throwable error) {}

      @Override
      public void onCompleted() {
        response.onCompleted();
      }
    };
  }
}
