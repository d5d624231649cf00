package io.reactivemicro.benchmarks.soak;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.rsocket.frame.FrameLengthCodec;
import io.rsocket.frame.RequestResponseFrameCodec;
import io.rsocket.frame.RequestStreamFrameCodec;
import io.rsocket.frame.SetupFrameCodec;
import io.rsocket.metadata.CompositeMetadataCodec;
import io.rsocket.metadata.TaggingMetadataCodec;
import io.rsocket.metadata.WellKnownMimeType;
import io.rsocket.util.DefaultPayload;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;

/**
 * What the hostile clients of the soak run do to a node, one behaviour a method, each returning when the
 * node has dealt with it (closed the connection) or a bound has passed. Frames are built with
 * rsocket-java's codecs and sent on raw sockets, as a client that does not follow the protocol would.
 */
final class Attacks {

  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
  private static final byte[] SETUP = setup();

  private Attacks() {}

  /** Sends 20,000 requests for answers of 256 bytes, never reads them, and holds the connection 10 s. */
  static void unreadAnswers(int port) throws IOException, InterruptedException {
    try (SocketChannel channel = SocketChannel.open()) {
      channel.socket().setReceiveBufferSize(4096);
      channel.connect(new InetSocketAddress("127.0.0.1", port));
      channel.configureBlocking(false);
      List<byte[]> frames = new ArrayList<>();
      frames.add(SETUP);
      for (int i = 0; i < 20_000; i++) {
        frames.add(request(2 * i + 1, "Soak.Text", false, 0));
      }
      ByteBuffer all = ByteBuffer.wrap(concat(frames));
      long lastProgress = System.nanoTime();
      long end = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < end) {
        if (all.hasRemaining() && channel.write(all) > 0) {
          lastProgress = System.nanoTime();
        } else if (!all.hasRemaining() || System.nanoTime() - lastProgress > 1_000_000_000L) {
          Thread.sleep(100);
        }
      }
    } catch (IOException closedByTheNode) {
      // The node cut the connection off: what it should do.
    }
  }

  /** Sends a SETUP frame and then frames of random bytes, the kind a fuzzer or a broken peer sends. */
  static void randomFrames(int port, Random random) throws IOException {
    try (Socket socket = connect(port, 2_000)) {
      List<byte[]> frames = new ArrayList<>();
      frames.add(SETUP);
      for (int i = 0; i < 1 + random.nextInt(8); i++) {
        byte[] body = new byte[6 + random.nextInt(40)];
        random.nextBytes(body);
        byte[] frame = new byte[3 + body.length];
        frame[0] = 0;
        frame[1] = (byte) (body.length >> 8);
        frame[2] = (byte) body.length;
        System.arraycopy(body, 0, frame, 3, body.length);
        frames.add(random.nextInt(3) == 0 ? request(2 * i + 1, "Soak.Greeting", random.nextBoolean(), 0) : frame);
      }
      socket.getOutputStream().write(concat(frames));
      socket.getOutputStream().flush();
      drainUntilClosed(socket, 2_000);
    } catch (IOException closedByTheNode) {
      // Expected.
    }
  }

  /** Opens 100 HTTP connections that each send half a request head, and waits until the node closes them. */
  static void stalledHttpHeads(int port) throws IOException {
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 100; i++) {
        Socket socket = connect(port, 40_000);
        socket.getOutputStream().write("POST / HTTP/1.1\r\nHost: soak\r\nMicro-End".getBytes(StandardCharsets.US_ASCII));
        sockets.add(socket);
      }
      for (Socket socket : sockets) {
        drainUntilClosed(socket, 40_000);
      }
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  /** Asks for an endless stream with unbounded demand and never reads it, until the node cuts it off. */
  static void unreadEndlessStream(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
      socket.getOutputStream().write(concat(List.of(SETUP, request(1, "Soak.Endless", false, Integer.MAX_VALUE))));
      socket.getOutputStream().flush();
      // The write timeout is 30 s; only then is what the kernel holds read, to see the close.
      sleep(35_000);
      socket.setSoTimeout(10_000);
      drainUntilClosed(socket, 10_000);
    } catch (IOException closedByTheNode) {
      // Expected.
    }
  }

  /** Opens RSocket connections that make no call, until the node closes them as idle. */
  static void idleConnections(int port, IntSupplier count) throws IOException {
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count.getAsInt(); i++) {
        Socket socket = connect(port, 45_000);
        socket.getOutputStream().write(SETUP);
        sockets.add(socket);
      }
      for (Socket socket : sockets) {
        drainUntilClosed(socket, 45_000);
      }
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  private static Socket connect(int port, int readTimeoutMillis) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
    socket.setSoTimeout(readTimeoutMillis);
    return socket;
  }

  private static void drainUntilClosed(Socket socket, int boundMillis) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] chunk = new byte[8192];
    long end = System.nanoTime() + boundMillis * 1_000_000L;
    try {
      while (in.read(chunk) >= 0 && System.nanoTime() < end) {
        // Read what the node sent until it closes.
      }
    } catch (SocketTimeoutException stillOpen) {
      // The bound passed; the caller moves on.
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static byte[] setup() {
    ByteBuf frame = SetupFrameCodec.encode(ALLOC, false, 20_000, 90_000, Unpooled.EMPTY_BUFFER,
        WellKnownMimeType.MESSAGE_RSOCKET_COMPOSITE_METADATA.getString(), "application/json",
        DefaultPayload.create(new byte[0]));
    return framed(frame);
  }

  /** A request-response frame, or a request-stream frame when {@code n} is positive. */
  private static byte[] request(int streamId, String route, boolean follows, int n) {
    CompositeByteBuf metadata = ALLOC.compositeBuffer();
    CompositeMetadataCodec.encodeAndAddMetadata(metadata, ALLOC, WellKnownMimeType.MESSAGE_RSOCKET_ROUTING,
        TaggingMetadataCodec.createRoutingMetadata(ALLOC, List.of(route)).getContent());
    ByteBuf data = Unpooled.copiedBuffer("\"soak\"", StandardCharsets.UTF_8);
    ByteBuf frame = n > 0
        ? RequestStreamFrameCodec.encode(ALLOC, streamId, follows, n, metadata, data)
        : RequestResponseFrameCodec.encode(ALLOC, streamId, follows, metadata, data);
    return framed(frame);
  }

  private static byte[] framed(ByteBuf frame) {
    ByteBuf withLength = FrameLengthCodec.encode(ALLOC, frame.readableBytes(), frame);
    try {
      return ByteBufUtil.getBytes(withLength);
    } finally {
      withLength.release();
    }
  }

  private static byte[] concat(List<byte[]> parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    ByteBuffer all = ByteBuffer.allocate(length);
    parts.forEach(all::put);
    return all.array();
  }
}
