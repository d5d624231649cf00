package io.reactivemicro.benchmarks.client;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.reactivemicro.benchmarks.Payloads;
import java.util.function.Consumer;
import reactor.core.Disposable;

/**
 * The observers both gRPC clients ({@code grpc}, {@code grpc-proto}) give their calls, whatever their
 * message type, so that the two run the same flow control: a unary call's end, a server stream asking
 * for {@link Payloads#WINDOW} messages and for three quarters of it again each time that many arrived,
 * and a bidirectional channel that sends while the call is ready.
 */
final class GrpcObservers {

  private GrpcObservers() {}

  /** Returns the observer of a unary call, which reports its end. */
  static <T> StreamObserver<T> unary(Driver.Done done) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {}

      @Override
      public void onError(Throwable error) {
        done.done(error);
      }

      @Override
      public void onCompleted() {
        done.done(null);
      }
    };
  }

  /**
   * Starts a server stream with windowed demand.
   *
   * @param start starts the call with the observer it is given
   * @param messages what the stream reports to
   * @return cancels the stream
   */
  static <T> Disposable stream(Consumer<ClientResponseObserver<T, T>> start, Driver.Messages messages) {
    Windowed<T> observer = new Windowed<>(messages);
    start.accept(observer);
    ClientCallStreamObserver<T> call = observer.call;
    return () -> call.cancel("stopped", null);
  }

  /**
   * Starts a bidirectional channel.
   *
   * @param start starts the call with the observer it is given
   * @param message the message each send sends
   * @param events what the channel reports to
   * @return the channel
   */
  static <T> Driver.Channel channel(Consumer<ClientResponseObserver<T, T>> start, T message,
      Driver.ChannelEvents events) {
    Echoes<T> observer = new Echoes<>(events);
    start.accept(observer);
    ClientCallStreamObserver<T> call = observer.call;
    return new Driver.Channel() {
      @Override
      public void send() {
        call.onNext(message);
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

  /** A server stream's observer: asks for a window, then for three quarters of it at a time. */
  private static final class Windowed<T> implements ClientResponseObserver<T, T> {
    private static final int REPLENISH = Payloads.WINDOW - (Payloads.WINDOW >> 2);
    private final Driver.Messages messages;
    private ClientCallStreamObserver<T> call;
    private int received;

    Windowed(Driver.Messages messages) {
      this.messages = messages;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<T> call) {
      this.call = call;
      call.disableAutoRequestWithInitial(Payloads.WINDOW);
    }

    @Override
    public void onNext(T value) {
      messages.onMessage();
      if (++received == REPLENISH) {
        received = 0;
        call.request(REPLENISH);
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
  }

  /** A channel's observer: counts echoes and tells when the call is ready for more. */
  private static final class Echoes<T> implements ClientResponseObserver<T, T> {
    private final Driver.ChannelEvents events;
    private ClientCallStreamObserver<T> call;

    Echoes(Driver.ChannelEvents events) {
      this.events = events;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<T> call) {
      this.call = call;
      call.setOnReadyHandler(events::onReady);
    }

    @Override
    public void onNext(T value) {
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
  }
}
