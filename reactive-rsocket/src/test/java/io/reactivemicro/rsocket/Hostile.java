package io.reactivemicro.rsocket;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.client.Client;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the tests of hostile peers share: RSocket frames written by hand, raw sockets, the honest client
 * whose calls must keep being answered, the heap after garbage collection, and the log lines written.
 */
final class Hostile {

  static final int SETUP = 0x01;
  static final int KEEPALIVE = 0x03;
  static final int REQUEST_RESPONSE = 0x04;
  static final int REQUEST_FNF = 0x05;
  static final int REQUEST_STREAM = 0x06;
  static final int REQUEST_CHANNEL = 0x07;
  static final int REQUEST_N = 0x08;
  static final int CANCEL = 0x09;
  static final int PAYLOAD = 0x0A;
  static final int ERROR = 0x0B;
  static final int FLAG_METADATA = 0x100;
  static final int FLAG_FOLLOWS = 0x80;
  static final int FLAG_COMPLETE = 0x40;
  static final int FLAG_NEXT = 0x20;

  private Hostile() {}

  /** Returns a length-prefixed RSocket frame. */
  static byte[] frame(int streamId, int type, int flags, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int length = 6 + body.length;
    out.write(length >> 16);
    out.write(length >> 8);
    out.write(length);
    writeInt(out, streamId);
    int typeAndFlags = (type << 10) | flags;
    out.write(typeAndFlags >> 8);
    out.write(typeAndFlags);
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** Returns a SETUP frame for composite metadata and JSON data, with these keep-alive settings. */
  static byte[] setup(int keepAliveMillis, int maxLifetimeMillis) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0, 1, 0, 0});
    writeInt(body, keepAliveMillis);
    writeInt(body, maxLifetimeMillis);
    byte[] metadataMime = "message/x.rsocket.composite-metadata.v0".getBytes(UTF_8);
    byte[] dataMime = "application/json".getBytes(UTF_8);
    body.write(metadataMime.length);
    body.writeBytes(metadataMime);
    body.write(dataMime.length);
    body.writeBytes(dataMime);
    return frame(0, SETUP, 0, body.toByteArray());
  }

  /** Returns a SETUP frame with RSocket's default keep-alive settings. */
  static byte[] setup() {
    return setup(20_000, 90_000);
  }

  /** Returns a request frame's body: composite metadata routing to {@code route}, then {@code json}. */
  static byte[] routed(String route, String json) {
    ByteArrayOutputStream metadata = new ByteArrayOutputStream();
    byte[] tag = route.getBytes(UTF_8);
    // The routing extension's well-known id, 0x7E, with the high bit that marks a well-known id.
    metadata.write(0x80 | 0x7E);
    int length = 1 + tag.length;
    metadata.write(length >> 16);
    metadata.write(length >> 8);
    metadata.write(length);
    metadata.write(tag.length);
    metadata.writeBytes(tag);
    byte[] meta = metadata.toByteArray();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(meta.length >> 16);
    body.write(meta.length >> 8);
    body.write(meta.length);
    body.writeBytes(meta);
    body.writeBytes(json.getBytes(UTF_8));
    return body.toByteArray();
  }

  /** Returns a REQUEST_RESPONSE frame to {@code route}. */
  static byte[] requestResponse(int streamId, String route, String json) {
    return frame(streamId, REQUEST_RESPONSE, FLAG_METADATA, routed(route, json));
  }

  /** Returns a REQUEST_STREAM frame to {@code route} asking for {@code n} elements. */
  static byte[] requestStream(int streamId, String route, String json, int n) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writeInt(body, n);
    body.writeBytes(routed(route, json));
    return frame(streamId, REQUEST_STREAM, FLAG_METADATA, body.toByteArray());
  }

  /** Returns a REQUEST_N frame. */
  static byte[] requestN(int streamId, int n) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writeInt(body, n);
    return frame(streamId, REQUEST_N, 0, body.toByteArray());
  }

  /** Returns a CANCEL frame. */
  static byte[] cancel(int streamId) {
    return frame(streamId, CANCEL, 0, new byte[0]);
  }

  static void writeInt(ByteArrayOutputStream out, int value) {
    out.write(value >>> 24);
    out.write(value >>> 16);
    out.write(value >>> 8);
    out.write(value);
  }

  /** A frame read back from a server. */
  record Frame(int streamId, int type, int flags, byte[] body) {

    /** Returns the error code of an ERROR frame. */
    int errorCode() {
      return ((body[0] & 0xFF) << 24) | ((body[1] & 0xFF) << 16) | ((body[2] & 0xFF) << 8) | (body[3] & 0xFF);
    }

    /** Returns the error data of an ERROR frame, as text. */
    String errorData() {
      return new String(body, 4, body.length - 4, UTF_8);
    }
  }

  /** The error code of a REJECTED error frame. */
  static final int REJECTED = 0x202;
  /** The error code of an APPLICATION_ERROR error frame. */
  static final int APPLICATION_ERROR = 0x201;
  /** The error code of a CONNECTION_ERROR error frame. */
  static final int CONNECTION_ERROR = 0x101;
  /** The error code of a CONNECTION_CLOSE error frame. */
  static final int CONNECTION_CLOSE = 0x102;

  /** Reads one length-prefixed frame, or returns {@code null} at the end of the stream. */
  static Frame readFrame(InputStream in) throws IOException {
    byte[] length = in.readNBytes(3);
    if (length.length < 3) {
      return null;
    }
    int n = ((length[0] & 0xFF) << 16) | ((length[1] & 0xFF) << 8) | (length[2] & 0xFF);
    byte[] frame = in.readNBytes(n);
    if (frame.length < n) {
      return null;
    }
    int streamId = ((frame[0] & 0xFF) << 24) | ((frame[1] & 0xFF) << 16) | ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF);
    int typeAndFlags = ((frame[4] & 0xFF) << 8) | (frame[5] & 0xFF);
    byte[] body = java.util.Arrays.copyOfRange(frame, 6, frame.length);
    return new Frame(streamId, typeAndFlags >>> 10, typeAndFlags & 0x3FF, body);
  }

  /** Reads frames until one matches, failing at the end of the stream or after the socket's read timeout. */
  static Frame readFrameUntil(InputStream in, java.util.function.Predicate<Frame> wanted) throws IOException {
    for (Frame frame = readFrame(in); frame != null; frame = readFrame(in)) {
      if (wanted.test(frame)) {
        return frame;
      }
    }
    throw new AssertionError("the connection ended before the frame looked for");
  }

  /** Returns the bytes of several frames one after the other. */
  static byte[] concat(List<byte[]> frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    frames.forEach(out::writeBytes);
    return out.toByteArray();
  }

  /** Opens a socket with a read timeout. */
  static Socket connect(String host, int port, Duration readTimeout) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), 5_000);
    socket.setSoTimeout((int) readTimeout.toMillis());
    return socket;
  }

  /**
   * Writes {@code chunk} again and again without reading, until the peer has stopped reading for
   * {@code stalled}: its socket buffers are full. Returns how many chunks were written whole.
   */
  static int writeUntilStalled(SocketChannel channel, byte[] chunk, int maxChunks, Duration stalled)
      throws IOException, InterruptedException {
    channel.configureBlocking(false);
    ByteBuffer pending = ByteBuffer.allocate(0);
    int written = 0;
    long lastProgress = System.nanoTime();
    while (written < maxChunks) {
      if (!pending.hasRemaining()) {
        pending = ByteBuffer.wrap(chunk);
      }
      int n = channel.write(pending);
      if (n > 0) {
        lastProgress = System.nanoTime();
        if (!pending.hasRemaining()) {
          written++;
        }
      } else if (System.nanoTime() - lastProgress > stalled.toNanos()) {
        return written;
      } else {
        Thread.sleep(5);
      }
    }
    return written;
  }

  /** Waits until the server closes the socket (end of stream or reset), failing after the read timeout. */
  static byte[] readUntilClosed(Socket socket) throws IOException {
    return readUntilClosed(socket, Duration.ofMinutes(1));
  }

  /**
   * Waits until the server closes the socket (end of stream or reset), failing when a read times out or
   * when {@code deadline} has passed, however much the server is still sending.
   */
  static byte[] readUntilClosed(Socket socket, Duration deadline) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] chunk = new byte[8192];
    long end = System.nanoTime() + deadline.toNanos();
    try {
      for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
        if (System.nanoTime() > end) {
          throw new AssertionError("the server was still sending after " + deadline.toMillis() + " ms");
        }
        if (received.size() < 1 << 20) {
          received.write(chunk, 0, n);
        }
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server did not close the connection within " + socket.getSoTimeout() + " ms", e);
    } catch (SocketException reset) {
      // A reset closes too.
    }
    return received.toByteArray();
  }

  /** Returns the bytes of a POST of {@code json} to {@code endpoint}. */
  static byte[] httpPost(String endpoint, String json) {
    byte[] body = json.getBytes(UTF_8);
    String head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nMicro-Endpoint: " + endpoint
        + "\r\nContent-Length: " + body.length + "\r\n\r\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.getBytes(UTF_8));
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** Reads one HTTP response with a {@code Content-Length}: its head and body. */
  static String readHttpResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(UTF_8).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before the end of the response head: " + head.toString(UTF_8));
      }
      head.write(b);
    }
    String text = head.toString(UTF_8);
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return text + new String(in.readNBytes(length), UTF_8);
  }

  /**
   * Asserts that an honest caller on connections of its own is answered, over RSocket by {@code client}
   * and over HTTP, within {@code timeout}.
   */
  static void assertHonestCallsAnswered(Client client, String service, String host, int port, Duration timeout) {
    // The honest connection may itself be closed by the limit under test (an idle timeout, a keep-alive
    // lifetime shorter than the client's interval) just as the call is sent: the greeting is idempotent,
    // so the call may be sent again on a new connection, as an application would.
    RequestOptions options = RequestOptions.defaults().withTimeout(timeout).withIdempotent(true).withRetries(2);
    String reply = client.call(service, "H.Greeting", "honest", String.class, options)
        .block(timeout.multipliedBy(3).plusSeconds(1));
    assertThat(reply).isEqualTo("Hello honest");
    try (Socket socket = connect(host, port, timeout)) {
      socket.getOutputStream().write(httpPost("H.Greeting", "\"http\""));
      socket.getOutputStream().flush();
      assertThat(readHttpResponse(socket.getInputStream())).startsWith("HTTP/1.1 200 ").endsWith("\"Hello http\"");
    } catch (IOException e) {
      throw new AssertionError("the server no longer answers HTTP", e);
    }
  }

  /** Returns the bytes of heap in use after collecting garbage until it settles. */
  static long usedHeapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    return least;
  }

  /** Returns the direct memory Netty's default allocator holds now, pooled or in use. */
  static long directMemory() {
    return ((io.netty.buffer.ByteBufAllocatorMetricProvider) io.netty.buffer.ByteBufAllocator.DEFAULT).metric()
        .usedDirectMemory();
  }

  /** Captures what the server's loggers write through java.util.logging while it is open. */
  static final class LogCapture implements AutoCloseable {
    private final List<Logger> loggers = new ArrayList<>();
    private final ConcurrentLinkedQueue<LogRecord> records = new ConcurrentLinkedQueue<>();
    private final Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        records.add(record);
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };

    LogCapture(String... names) {
      handler.setLevel(Level.ALL);
      for (String name : names) {
        Logger logger = Logger.getLogger(name);
        logger.addHandler(handler);
        loggers.add(logger);
      }
    }

    /** Returns the records at WARNING or above. */
    List<LogRecord> warnings() {
      return records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue()).toList();
    }

    /** Returns the records that carry a throwable, whose stack trace a console handler would print. */
    List<LogRecord> withStackTraces() {
      return records.stream().filter(r -> r.getThrown() != null && r.getLevel().intValue() >= Level.INFO.intValue())
          .toList();
    }

    @Override
    public void close() {
      loggers.forEach(logger -> logger.removeHandler(handler));
    }
  }
}
