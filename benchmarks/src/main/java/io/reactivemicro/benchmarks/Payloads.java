package io.reactivemicro.benchmarks;

import io.reactivemicro.codec.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What every implementation sends and answers: one JSON object of about 120 bytes. The raw baselines
 * send and echo these bytes as they are; the {@code micro} implementation sends the {@link Order} they
 * decode to, which its JSON codec encodes to the same bytes. The Protobuf implementations
 * ({@code micro-proto}, {@code grpc-proto}) send {@link #PROTO_ORDER}, the same order as the message
 * generated from {@code src/main/proto/bench.proto}.
 */
public final class Payloads {

  /** The request and response of every call, as an object. */
  public record Order(long id, String customer, List<String> items, double total, String currency) {}

  /** The request (and echoed response) as an object. */
  public static final Order ORDER = new Order(4_711_000_123L, "alice@acme.io",
      List.of("sku-10001", "sku-10002", "sku-10003"), 129.95, "EUR");

  /** The request (and echoed response) as bytes, as the JSON codec writes {@link #ORDER}. */
  public static final byte[] REQUEST = new JsonCodec().encoder(Order.class).encode(ORDER);

  /** The request (and echoed response) of the Protobuf implementations: {@link #ORDER}, field for field. */
  public static final io.reactivemicro.benchmarks.proto.Order PROTO_ORDER = io.reactivemicro.benchmarks.proto.Order
      .newBuilder()
      .setId(ORDER.id())
      .setCustomer(ORDER.customer())
      .addAllItems(ORDER.items())
      .setTotal(ORDER.total())
      .setCurrency(ORDER.currency())
      .build();

  /** Messages in one request-stream. */
  public static final int STREAM_MESSAGES = 1_000_000;

  /** Messages in one channel, echoed one for one. */
  public static final int CHANNEL_MESSAGES = 100_000;

  /** Messages in the slow consumer's stream. */
  public static final int SLOW_STREAM_MESSAGES = 10_000_000;

  /**
   * Messages asked for and not yet received (streams) or sent and not yet echoed (channels), the same
   * for every implementation: 512 messages of ~120 bytes, close to HTTP/2's default 64 KiB window.
   */
  public static final int WINDOW = 512;

  /** The endpoint of request-response calls with JSON. */
  public static final String ECHO = "Bench.Echo";
  /** The endpoint of request-response calls with bytes. */
  public static final String ECHO_BYTES = "Bench.EchoBytes";
  /** The endpoint of request-response calls with Protobuf. */
  public static final String ECHO_PROTO = "Bench.EchoProto";
  /** The endpoint of the request-stream scenario. */
  public static final String STREAM = "Bench.Stream";
  /** The request-stream endpoint of {@code micro-bytes}. */
  public static final String STREAM_BYTES = "Bench.StreamBytes";
  /** The endpoint of the channel scenario. */
  public static final String CHANNEL = "Bench.Channel";
  /** The channel endpoint of {@code micro-bytes}. */
  public static final String CHANNEL_BYTES = "Bench.ChannelBytes";
  /** The endpoint of the request-stream scenario with Protobuf. */
  public static final String STREAM_PROTO = "Bench.StreamProto";
  /** The endpoint of the channel scenario with Protobuf. */
  public static final String CHANNEL_PROTO = "Bench.ChannelProto";
  /** The endpoint of streams that send one message and stay open. */
  public static final String OPEN = "Bench.Open";
  /** The endpoint of the slow consumer's ten-million-message stream. */
  public static final String SLOW = "Bench.Slow";
  /** The service name. */
  public static final String SERVICE = "bench";

  private Payloads() {}

  /**
   * Checks that a response carries the expected bytes.
   *
   * @param impl the implementation, for the message
   * @param response the bytes received
   * @throws IllegalStateException when they differ
   */
  public static void checkEcho(String impl, byte[] response) {
    if (!Arrays.equals(REQUEST, response)) {
      throw new IllegalStateException(impl + " answered " + response.length + " bytes that differ from the request: "
          + new String(response, StandardCharsets.UTF_8));
    }
  }

  /**
   * Checks that a Protobuf response is the order sent.
   *
   * @param impl the implementation, for the message
   * @param response the message received
   * @throws IllegalStateException when it differs
   */
  public static void checkEcho(String impl, io.reactivemicro.benchmarks.proto.@Nullable Order response) {
    if (!PROTO_ORDER.equals(response)) {
      throw new IllegalStateException(impl + " answered " + response + " instead of " + PROTO_ORDER);
    }
  }

  /** Prints the request in JSON and in Protobuf, to check their sizes by hand. */
  public static void main(String[] args) {
    System.out.println(REQUEST.length + " bytes: " + new String(REQUEST, StandardCharsets.UTF_8));
    System.out.println(PROTO_ORDER.getSerializedSize() + " bytes of Protobuf: " + PROTO_ORDER.toString().replace('\n', ' '));
  }
}
