package io.reactivemicro.benchmarks;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The gRPC service of the baseline, written by hand so no protoc is needed: three methods whose
 * messages are the request bytes as they are.
 */
public final class GrpcBench {

  /** The service name. */
  public static final String SERVICE = "bench.Bench";

  /** Marshals {@code byte[]} as it is, with the known length and draining that gRPC's fast path uses. */
  public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new BytesStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  /** Unary echo. */
  public static final MethodDescriptor<byte[], byte[]> ECHO = method("Echo", MethodDescriptor.MethodType.UNARY);
  /** Server streaming: {@link Payloads#STREAM_MESSAGES} copies of the request. */
  public static final MethodDescriptor<byte[], byte[]> STREAM =
      method("Stream", MethodDescriptor.MethodType.SERVER_STREAMING);
  /** Bidirectional echo. */
  public static final MethodDescriptor<byte[], byte[]> CHANNEL =
      method("Channel", MethodDescriptor.MethodType.BIDI_STREAMING);

  private GrpcBench() {}

  private static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  private static final class BytesStream extends ByteArrayInputStream implements KnownLength, Drainable {
    BytesStream(byte[] bytes) {
      super(bytes);
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int length = count - pos;
      target.write(buf, pos, length);
      pos = count;
      return length;
    }
  }
}
