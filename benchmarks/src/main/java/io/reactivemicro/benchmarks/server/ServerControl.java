package io.reactivemicro.benchmarks.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A connection to a {@link BenchServer}'s control socket, from a JVM that did not start the server. */
public final class ServerControl implements AutoCloseable {

  private final Socket socket;
  private final BufferedReader in;
  private final Writer out;

  /**
   * Connects.
   *
   * @param port the control port on the loopback address
   */
  public ServerControl(int port) {
    try {
      this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
      this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      this.out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach the server's control port " + port, e);
    }
  }

  /** Returns the server's CPU time and allocated bytes so far. */
  public Usage usage() {
    try {
      out.write("usage\n");
      out.flush();
      String line = in.readLine();
      if (line == null || !line.startsWith("usage ")) {
        throw new IOException("unexpected answer " + line);
      }
      return Usage.parse(line.substring("usage ".length()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing anyway.
    }
  }
}
