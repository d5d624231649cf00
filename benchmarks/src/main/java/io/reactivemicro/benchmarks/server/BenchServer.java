package io.reactivemicro.benchmarks.server;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.reactivemicro.Service;
import io.reactivemicro.benchmarks.BenchHandler;
import io.reactivemicro.benchmarks.GrpcBench;
import io.reactivemicro.benchmarks.Payloads;
import io.reactivemicro.benchmarks.spring.SpringBenchApplication;
import io.reactivemicro.registry.Registry;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.core.RSocketServer;
import io.rsocket.frame.decoder.PayloadDecoder;
import io.rsocket.transport.netty.server.CloseableChannel;
import io.rsocket.transport.netty.server.TcpServerTransport;
import io.rsocket.util.ByteBufPayload;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The server side of a benchmark, in a JVM of its own so that it has its own event loop, heap and
 * garbage collector, as a real server does. Prints {@code port N} once serving, then answers commands
 * on standard input: {@code heap} (the used heap after a full collection), {@code usage} (CPU time and
 * allocated bytes so far, see {@link Usage}), {@code threads}, and
 * {@code stop} or end of input.
 */
public final class BenchServer {

  /** A running server. */
  interface Running extends AutoCloseable {
    int port();

    @Override
    void close();
  }

  /**
   * gRPC's server logs a warning for every message it could not write because the client had cancelled
   * its stream, which the benchmarks do when they stop a stream midway; errors a client sees are
   * counted by the client anyway.
   */
  private static final java.util.logging.Logger GRPC_STREAM_ERRORS =
      java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler");

  private BenchServer() {}

  /**
   * Starts a server.
   *
   * @param args the implementation ({@code micro}, {@code micro-bytes}, {@code micro-proto}, {@code rsocket},
   *     {@code grpc}, {@code grpc-proto}, {@code reactor-netty-http}, {@code spring-rsocket}) and the scenario
   */
  public static void main(String[] args) throws IOException {
    String impl = args[0];
    String scenario = args.length > 1 ? args[1] : "";
    Running server = start(impl, scenario);
    ServerSocket control = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    Thread controller = new Thread(() -> serve(control), "bench-control");
    controller.setDaemon(true);
    controller.start();
    System.out.println("port " + server.port());
    System.out.println("control " + control.getLocalPort());
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null && !line.equals("stop")) {
      System.out.println(answer(line));
      System.out.flush();
    }
    server.close();
    System.exit(0);
  }

  private static String answer(String command) {
    return switch (command) {
      case "heap" -> "heap " + heapAfterGc();
      case "threads" -> "threads " + threads();
      case "usage" -> "usage " + Usage.sample().text();
      default -> "unknown " + command;
    };
  }

  /** Answers commands from clients of the control socket, one line for one line. */
  private static void serve(ServerSocket control) {
    while (!control.isClosed()) {
      try (Socket socket = control.accept();
          BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
          Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8)) {
        String line;
        while ((line = in.readLine()) != null) {
          out.write(answer(line) + "\n");
          out.flush();
        }
      } catch (IOException e) {
        // The client went away; wait for the next.
      }
    }
  }

  static Running start(String impl, String scenario) {
    return switch (impl) {
      // One service serves JSON, bytes and Protobuf; micro-proto's server is still a JVM of its own.
      case "micro", "micro-bytes", "micro-proto" -> micro();
      case "rsocket" -> rsocket();
      case "grpc" -> grpc(grpcBytes());
      case "grpc-proto" -> grpc(new GrpcProtoService().bindService());
      case "reactor-netty-http" -> http();
      case "spring-rsocket" -> springRSocket();
      default -> throw new IllegalArgumentException("unknown implementation " + impl);
    };
  }

  /** Returns the used heap after full collections: the smallest of three readings. */
  public static long heapAfterGc() {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return least;
  }

  private static String threads() {
    TreeSet<String> names = new TreeSet<>();
    Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName()));
    return String.join(",", names);
  }

  private static Running micro() {
    Service service = Service.builder(Payloads.SERVICE)
        .address("127.0.0.1:0")
        .registry(Registry.memory())
        .handler(new BenchHandler())
        .drainTimeout(Duration.ofSeconds(1))
        .build();
    service.start().block(Duration.ofSeconds(30));
    String address = service.address();
    int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    return new Running() {
      @Override
      public int port() {
        return port;
      }

      @Override
      public void close() {
        service.stop().block(Duration.ofSeconds(10));
      }
    };
  }

  /**
   * Raw RSocket-java. A stream's length depends on the scenario, which the client names in its SETUP
   * data: {@code streams-10k} streams send one message and stay open.
   */
  private static Running rsocket() {
    CloseableChannel channel = RSocketServer.create((setup, sendingSocket) ->
            Mono.just(rsocketResponder(setup.getDataUtf8().equals("streams-10k"))))
        .payloadDecoder(PayloadDecoder.ZERO_COPY)
        .bind(TcpServerTransport.create("127.0.0.1", 0))
        .block(Duration.ofSeconds(30));
    return new Running() {
      @Override
      public int port() {
        return channel.address().getPort();
      }

      @Override
      public void close() {
        channel.dispose();
      }
    };
  }

  private static RSocket rsocketResponder(boolean open) {
    return new RSocket() {
      @Override
      public Mono<Payload> requestResponse(Payload payload) {
        return Mono.just(echo(payload));
      }

      @Override
      public Flux<Payload> requestStream(Payload payload) {
        payload.release();
        if (open) {
          return Flux.just(response()).concatWith(Flux.never());
        }
        return Flux.range(0, Payloads.STREAM_MESSAGES).map(i -> response());
      }

      @Override
      public Flux<Payload> requestChannel(Publisher<Payload> payloads) {
        return Flux.from(payloads).map(this::echo);
      }

      private Payload echo(Payload payload) {
        ByteBuf data = payload.sliceData().retain();
        payload.release();
        return ByteBufPayload.create(data);
      }

      private Payload response() {
        return ByteBufPayload.create(Unpooled.wrappedBuffer(Payloads.REQUEST));
      }
    };
  }

  /** {@code grpc}'s service: the hand-written descriptors of {@link GrpcBench}, messages as bytes. */
  private static ServerServiceDefinition grpcBytes() {
    return ServerServiceDefinition.builder(GrpcBench.SERVICE)
        .addMethod(GrpcBench.ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
          response.onNext(request);
          response.onCompleted();
        }))
        .addMethod(GrpcBench.STREAM, ServerCalls.asyncServerStreamingCall(BenchServer::stream))
        .addMethod(GrpcBench.CHANNEL, ServerCalls.asyncBidiStreamingCall(response -> new StreamObserver<byte[]>() {
          @Override
          public void onNext(byte[] request) {
            response.onNext(request);
          }

          @Override
          public void onError(Throwable error) {}

          @Override
          public void onCompleted() {
            response.onCompleted();
          }
        }))
        .build();
  }

  /** A gRPC server of one service, for {@code grpc} and {@code grpc-proto} alike. */
  private static Running grpc(ServerServiceDefinition service) {
    GRPC_STREAM_ERRORS.setLevel(java.util.logging.Level.SEVERE);
    // One event loop for accepting and serving, as the Reactor Netty servers have.
    EventLoopGroup loop = new NioEventLoopGroup(1);
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .bossEventLoopGroup(loop)
        .workerEventLoopGroup(loop)
        .channelType(NioServerSocketChannel.class)
        .directExecutor()
        .addService(service)
        .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return new Running() {
      @Override
      public int port() {
        return server.getPort();
      }

      @Override
      public void close() {
        server.shutdownNow();
        try {
          server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      }
    };
  }

  /** Sends the stream as the caller's flow control allows, as a gRPC server should. */
  static <T> void stream(T request, StreamObserver<T> observer) {
    ServerCallStreamObserver<T> out = (ServerCallStreamObserver<T>) observer;
    int[] sent = {0};
    boolean[] done = {false};
    out.setOnCancelHandler(() -> done[0] = true);
    out.setOnReadyHandler(() -> {
      while (!done[0] && sent[0] < Payloads.STREAM_MESSAGES && out.isReady()) {
        out.onNext(request);
        sent[0]++;
      }
      if (!done[0] && sent[0] == Payloads.STREAM_MESSAGES) {
        done[0] = true;
        out.onCompleted();
      }
    });
  }

  /** A Spring Boot application serving its {@code @MessageMapping} routes over RSocket. */
  private static Running springRSocket() {
    ConfigurableApplicationContext application = SpringBenchApplication.start();
    int port = SpringBenchApplication.port(application);
    return new Running() {
      @Override
      public int port() {
        return port;
      }

      @Override
      public void close() {
        application.close();
      }
    };
  }

  private static Running http() {
    DisposableServer server = HttpServer.create()
        .host("127.0.0.1")
        .port(0)
        .handle((request, response) -> response
            .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
            .send(request.receive().aggregate().retain()))
        .bindNow(Duration.ofSeconds(30));
    return new Running() {
      @Override
      public int port() {
        return server.port();
      }

      @Override
      public void close() {
        server.disposeNow(Duration.ofSeconds(5));
      }
    };
  }
}
