package io.reactivemicro.test.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.client.Client;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.metadata.Metadata;
import io.reactivemicro.server.Handler;
import io.reactivemicro.server.Server;
import io.reactivemicro.test.NettyLeaks;
import io.reactivemicro.transport.spi.ClientTransport;
import io.reactivemicro.transport.spi.ServerTransport;
import io.reactivemicro.transport.spi.Transport;
import io.reactivemicro.transport.TransportOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * The behaviour every transport shares, as a suite each one runs by extending this class, the way
 * rsocket-java's transports implement its {@code TransportTest}: each interaction model through the
 * {@link Client} API, demand and cancellation end to end, large and many payloads, errors and headers
 * intact across the wire, concurrent calls, and no leaked buffer after any test.
 *
 * <p>Before each test the suite starts a {@link Server} on {@code 127.0.0.1:0} with the server side the
 * subclass gives ({@link #serverTransport(TransportOptions)}) and a {@link Client} with its client side
 * ({@link #clientTransport(TransportOptions)}) that calls the server's address; after each test it
 * disposes the client, stops the server and checks for leaks ({@link #assertNoLeaks()}). The server serves
 * {@link Endpoints}, named {@code Contract.*}.
 *
 * <pre>{@code
 * class RSocketTcpTransportTest extends TransportContract {
 *   @Override protected ServerTransport serverTransport(TransportOptions options) {
 *     return new RSocketTransport().server(options);
 *   }
 *   @Override protected ClientTransport clientTransport(TransportOptions options) {
 *     return new RSocketTransport().client(options);
 *   }
 * }
 * }</pre>
 */
public abstract class TransportContract {

  /** How long any single call or expected signal may take. */
  protected static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** The name of the service the suite starts. */
  protected static final String SERVICE = "transport-contract";

  private static final int MIB = 1024 * 1024;
  private static final RequestOptions BYTES = RequestOptions.defaults().withContentType("application/octet-stream")
      .withTimeout(Duration.ofSeconds(30));

  /** The endpoints served; what they saw, for the tests to check. */
  protected final Endpoints endpoints = new Endpoints();

  private @Nullable Server server;
  private @Nullable Client client;

  /**
   * Returns the server side of the transport under test, called once before each test.
   *
   * @param options the options of the test, {@link #transportOptions()}
   * @return a server transport that is not yet bound
   */
  protected abstract ServerTransport serverTransport(TransportOptions options);

  /**
   * Returns the client side of the transport under test, called once before each test; the client owns it
   * and disposes it after the test.
   *
   * @param options the options of the test, {@link #transportOptions()}
   * @return a client transport that reaches the server side at the address it is bound to
   */
  protected abstract ClientTransport clientTransport(TransportOptions options);

  /** Returns the options both sides are created with; the defaults unless overridden. */
  protected TransportOptions transportOptions() {
    return TransportOptions.defaults();
  }

  /**
   * Fails when the test leaked a buffer; called after each test, once the client is disposed and the
   * server stopped. The default checks Netty's buffers ({@link NettyLeaks}); a transport on another
   * buffer library overrides it.
   */
  protected void assertNoLeaks() {
    NettyLeaks.assertNoLeaks(getClass().getSimpleName());
  }

  @BeforeEach
  void startServerAndClient() {
    TransportOptions options = transportOptions();
    Transport transport = new Transport() {
      @Override
      public String name() {
        return "under-test";
      }

      @Override
      public ServerTransport server(TransportOptions ignored) {
        return serverTransport(options);
      }

      @Override
      public ClientTransport client(TransportOptions ignored) {
        return clientTransport(options);
      }
    };
    Server started = Server.builder(SERVICE).address("127.0.0.1:0").handler(endpoints).transport(transport)
        .transportOptions(options).build();
    started.start().block(TIMEOUT);
    server = started;
    client = Client.builder().transport(transport.client(options))
        .defaults(RequestOptions.defaults().withAddress(started.address())).build();
  }

  @AfterEach
  void stopAndCheckForLeaks() {
    try {
      if (client != null) {
        client.close().block(TIMEOUT);
      }
      if (server != null) {
        server.stop(Duration.ofSeconds(1)).block(TIMEOUT);
      }
    } finally {
      assertNoLeaks();
    }
  }

  /** Returns the client of the test, calling the server of the test. */
  protected final Client client() {
    Client current = client;
    assertThat(current).as("the client, made before each test").isNotNull();
    return current;
  }

  /** Returns the address the server of the test listens on. */
  protected final String address() {
    Server current = server;
    assertThat(current).as("the server, started before each test").isNotNull();
    return current.address();
  }

  // --- request-response and fire-and-forget ---

  @Test
  void requestResponseReturnsTheHandlersReply() {
    StepVerifier.create(client().call(SERVICE, "Contract.Hello", new Req("alice"), Reply.class))
        .expectNext(new Reply("Hello alice"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void requestResponseWithAnEmptyReplyCompletesEmpty() {
    StepVerifier.create(client().call(SERVICE, "Contract.Nothing", new Req("none"), Reply.class))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void fireAndForgetRunsTheHandler() {
    StepVerifier.create(client().fireAndForget(SERVICE, "Contract.Fire", new Req("ff")))
        .expectComplete()
        .verify(TIMEOUT);

    StepVerifier.create(endpoints.fired("ff").asMono())
        .expectNext("ff")
        .expectComplete()
        .verify(TIMEOUT);
  }

  // --- request-stream ---

  @Test
  void requestStreamReturnsEveryElementInOrder() {
    StepVerifier.create(client().stream(SERVICE, "Contract.Count", new Count("n", 5), Reply.class))
        .expectNext(new Reply("n #1"), new Reply("n #2"), new Reply("n #3"), new Reply("n #4"), new Reply("n #5"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  @DisplayName("request(n) reaches the handler: it is asked for no more than the caller asked for")
  void requestStreamHonoursTheCallersDemand() {
    String name = "demand";
    StepVerifier.create(client().stream(SERVICE, "Contract.Endless", new Req(name), Reply.class), 0)
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(100))
        .thenRequest(3)
        .expectNext(new Reply(name + " 0"), new Reply(name + " 1"), new Reply(name + " 2"))
        .expectNoEvent(Duration.ofMillis(200))
        .then(() -> assertThat(endpoints.requested(name).get()).as("asked of the handler").isEqualTo(3))
        .thenRequest(2)
        .expectNext(new Reply(name + " 3"), new Reply(name + " 4"))
        .expectNoEvent(Duration.ofMillis(200))
        .then(() -> {
          assertThat(endpoints.requested(name).get()).as("asked of the handler").isEqualTo(5);
          assertThat(endpoints.produced(name).get()).as("produced by the handler").isEqualTo(5);
        })
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  @DisplayName("cancelling a stream mid-way cancels the handler's Flux, which then emits nothing more")
  void cancellingAStreamMidwayStopsTheServersEmissions() {
    String name = "cancel";
    StepVerifier.create(client().stream(SERVICE, "Contract.Endless", new Req(name), Reply.class), 5)
        .expectNextCount(5)
        .thenCancel()
        .verify(TIMEOUT);
    StepVerifier.create(endpoints.cancelled(name).asMono())
        .expectComplete()
        .verify(TIMEOUT);
    long produced = endpoints.produced(name).get();

    // An emission after the cancel, which must not come, would be counted within this pause.
    pause(Duration.ofMillis(200));

    assertThat(endpoints.produced(name).get()).as("produced after the cancel").isEqualTo(produced);
  }

  @Test
  void cancellingAStreamWithUnboundedDemandStopsTheHandler() {
    String name = "unbounded";
    StepVerifier.create(client().stream(SERVICE, "Contract.Ticks", new Req(name), Reply.class))
        .expectNextCount(20)
        .thenCancel()
        .verify(TIMEOUT);
    StepVerifier.create(endpoints.cancelled(name).asMono())
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void takingTenElementsOfAnEndlessStreamCancelsTheHandler() {
    String name = "take";
    StepVerifier.create(client().stream(SERVICE, "Contract.Endless", new Req(name), Reply.class).take(10))
        .expectNextCount(10)
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(endpoints.cancelled(name).asMono())
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(endpoints.requested(name).get()).as("asked of the handler").isEqualTo(10);
    assertThat(endpoints.produced(name).get()).as("produced by the handler").isEqualTo(10);
  }

  // --- channel ---

  @Test
  @DisplayName("a channel carries requests one way and replies the other, each as it comes")
  void channelAnswersEachRequestAsItArrives() {
    List<Req> requests = IntStream.range(0, 100).mapToObj(i -> new Req("r" + i)).toList();
    List<Reply> replies = IntStream.range(0, 100).mapToObj(i -> new Reply("Hi r" + i)).toList();

    StepVerifier.create(client().channel(SERVICE, "Contract.Chat", Flux.fromIterable(requests), Reply.class))
        .expectNextSequence(replies)
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void channelRepliesAreInterleavedWithTheRequestsThatCauseThem() {
    Sinks.Many<Req> requests = Sinks.many().unicast().onBackpressureBuffer();

    StepVerifier.create(client().channel(SERVICE, "Contract.Chat", requests.asFlux(), Reply.class))
        .then(() -> requests.tryEmitNext(new Req("first")))
        .expectNext(new Reply("Hi first"))
        .then(() -> requests.tryEmitNext(new Req("second")))
        .expectNext(new Reply("Hi second"))
        .then(requests::tryEmitComplete)
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void channelWithNoRequestsCompletesEmpty() {
    StepVerifier.create(client().channel(SERVICE, "Contract.Chat", Flux.<Req>empty(), Reply.class))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  @DisplayName("a handler that ends its channel early cancels the caller's requests")
  void aChannelEndedByTheHandlerCancelsTheCallersRequests() {
    Sinks.Empty<Void> requestsCancelled = Sinks.empty();
    // Endless, and only as fast as the handler asks.
    Flux<Req> endless = Flux.range(0, Integer.MAX_VALUE).map(i -> new Req("r" + i))
        .doOnCancel(requestsCancelled::tryEmitEmpty);

    StepVerifier.create(client().channel(SERVICE, "Contract.FirstThree", endless, Reply.class))
        .expectNext(new Reply("Hi r0"), new Reply("Hi r1"), new Reply("Hi r2"))
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(requestsCancelled.asMono())
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void cancellingAChannelCancelsTheHandlersRequestsAndReplies() {
    String name = "channel-cancel";
    Flux<Req> requests = Flux.range(0, Integer.MAX_VALUE).map(i -> new Req(name));

    StepVerifier.create(client().channel(SERVICE, "Contract.Chat", requests, Reply.class))
        .expectNextCount(3)
        .thenCancel()
        .verify(TIMEOUT);
    StepVerifier.create(endpoints.cancelled(name).asMono())
        .expectComplete()
        .verify(TIMEOUT);
  }

  // --- payloads ---

  @Test
  void aOneMebibytePayloadRoundTripsByteForByte() {
    byte[] sent = randomBytes(MIB, 1);

    StepVerifier.create(client().<byte[]>call(SERVICE, "Contract.Echo", sent, byte[].class, BYTES))
        .assertNext(received -> {
          assertThat(received).hasSize(sent.length);
          assertThat(Arrays.mismatch(sent, received)).as("first differing byte").isEqualTo(-1);
        })
        .expectComplete()
        .verify(TIMEOUT.multipliedBy(3));
  }

  @Test
  void largePayloadsTravelBothWaysOnAChannel() {
    List<byte[]> sent = IntStream.range(0, 4).mapToObj(i -> randomBytes(MIB + i, 10 + i)).toList();

    List<byte[]> received = client().<byte[]>channel(SERVICE, "Contract.EchoAll", Flux.fromIterable(sent),
        byte[].class, BYTES).collectList().block(TIMEOUT.multipliedBy(3));

    assertThat(received).hasSize(sent.size());
    for (int i = 0; i < sent.size(); i++) {
      assertThat(Arrays.mismatch(sent.get(i), received.get(i))).as("first differing byte of %d", i).isEqualTo(-1);
    }
  }

  @Test
  void manySmallElementsOfAStreamArriveAllInOrder() {
    int count = 10_000;

    List<Reply> received = client().stream(SERVICE, "Contract.Count", new Count("m", count), Reply.class)
        .collectList().block(TIMEOUT.multipliedBy(3));

    assertThat(received).hasSize(count);
    for (int i = 0; i < count; i++) {
      assertThat(received.get(i)).isEqualTo(new Reply("m #" + (i + 1)));
    }
  }

  @Test
  void emptyAndBinaryPayloadsRoundTripIntact() {
    byte[] everyByte = new byte[256];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = (byte) i;
    }

    StepVerifier.create(client().<byte[]>call(SERVICE, "Contract.Echo", everyByte, byte[].class, BYTES))
        .assertNext(received -> assertThat(received).isEqualTo(everyByte))
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(client().<byte[]>call(SERVICE, "Contract.Echo", new byte[0], byte[].class, BYTES))
        .assertNext(received -> assertThat(received).isEmpty())
        .expectComplete()
        .verify(TIMEOUT);
  }

  // --- errors ---

  @Test
  @DisplayName("a handler's MicroException reaches the caller with the same id, code, detail and status")
  void aHandlersErrorArrivesWithItsFieldsIntact() {
    StepVerifier.create(client().call(SERVICE, "Contract.Claim", new Req("bob"), Reply.class))
        .expectErrorSatisfies(error -> assertSame(error, Endpoints.claimed("bob")))
        .verify(TIMEOUT);
    StepVerifier.create(client().call(SERVICE, "Contract.Teapot", new Req("tea"), Reply.class))
        .expectErrorSatisfies(error -> assertSame(error, Endpoints.TEAPOT))
        .verify(TIMEOUT);
  }

  @Test
  void aStreamThatFailsMidwayDeliversItsElementsThenTheErrorIntact() {
    StepVerifier.create(client().stream(SERVICE, "Contract.Faulty", new Req("carol"), Reply.class))
        .expectNext(new Reply("Hello carol"))
        .expectErrorSatisfies(error -> assertSame(error, Endpoints.claimed("carol")))
        .verify(TIMEOUT);
  }

  @Test
  void aChannelsErrorArrivesIntact() {
    StepVerifier.create(client().channel(SERVICE, "Contract.FaultyChat", Flux.just(new Req("dave")), Reply.class))
        .expectNext(new Reply("Hi dave"))
        .expectErrorSatisfies(error -> assertSame(error, Endpoints.claimed("dave")))
        .verify(TIMEOUT);
  }

  @Test
  void anUnexpectedExceptionArrivesAsA500WithItsMessageOnly() {
    StepVerifier.create(client().call(SERVICE, "Contract.Explode", new Req("x"), Reply.class))
        .expectErrorSatisfies(error -> {
          assertThat(error).isInstanceOf(MicroException.class);
          MicroException micro = (MicroException) error;
          assertThat(micro.code()).isEqualTo(500);
          assertThat(micro.status()).isEqualTo(MicroException.statusText(500));
          assertThat(micro.detail()).contains("the disk is on fire").doesNotContain("at io.reactivemicro");
        })
        .verify(TIMEOUT);
  }

  @Test
  void anUnknownEndpointIsA404AndTheConnectionStaysUsable() {
    StepVerifier.create(client().call(SERVICE, "Contract.Missing", new Req("x"), Reply.class))
        .expectErrorSatisfies(error -> {
          assertThat(error).isInstanceOf(MicroException.class);
          assertThat(((MicroException) error).code()).isEqualTo(404);
        })
        .verify(TIMEOUT);
    StepVerifier.create(client().stream(SERVICE, "Contract.Missing", new Req("x"), Reply.class))
        .expectErrorSatisfies(error -> assertThat(((MicroException) error).code()).isEqualTo(404))
        .verify(TIMEOUT);
    StepVerifier.create(client().call(SERVICE, "Contract.Hello", new Req("after"), Reply.class))
        .expectNext(new Reply("Hello after"))
        .expectComplete()
        .verify(TIMEOUT);
  }

  // --- metadata ---

  @Test
  @DisplayName("headers from the context and the call options reach the handler of every interaction model")
  void metadataHeadersRoundTrip() {
    Map<String, String> expected = Map.of("X-Request-Id", "42", "X-Tenant", "acme",
        "X-Text", "value with spaces, commas; and: colons", "X-Unicode", "grüße 你好");
    RequestOptions options = RequestOptions.defaults().withMetadata("X-Tenant", "acme")
        .withMetadata("X-Text", "value with spaces, commas; and: colons").withMetadata("X-Unicode", "grüße 你好");

    StepVerifier.create(client().call(SERVICE, "Contract.Headers", new Req("h"), Headers.class, options)
            .contextWrite(Metadata.append("X-Request-Id", "42")))
        .assertNext(headers -> assertThat(headers.headers()).containsAllEntriesOf(expected))
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(client().stream(SERVICE, "Contract.HeadersStream", new Req("h"), Headers.class,
                options)
            .contextWrite(Metadata.append("X-Request-Id", "42")))
        .assertNext(headers -> assertThat(headers.headers()).containsAllEntriesOf(expected))
        .assertNext(headers -> assertThat(headers.headers()).containsAllEntriesOf(expected))
        .expectComplete()
        .verify(TIMEOUT);
    StepVerifier.create(client().channel(SERVICE, "Contract.HeadersChannel",
                Flux.just(new Req("a"), new Req("b")), Headers.class, options)
            .contextWrite(Metadata.append("X-Request-Id", "42")))
        .assertNext(headers -> assertThat(headers.headers()).containsAllEntriesOf(expected))
        .assertNext(headers -> assertThat(headers.headers()).containsAllEntriesOf(expected))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void aCallWithoutHeadersArrivesWithNone() {
    StepVerifier.create(client().call(SERVICE, "Contract.Headers", new Req("h"), Headers.class))
        .assertNext(headers -> assertThat(headers.headers()).isEmpty())
        .expectComplete()
        .verify(TIMEOUT);
  }

  // --- concurrency ---

  @Test
  void manyConcurrentCallsEachGetTheirOwnReply() {
    int calls = 500;

    List<String> replies = Flux.range(0, calls)
        .flatMap(i -> client().call(SERVICE, "Contract.Hello", new Req("c" + i), Reply.class)
            .map(Reply::message), 128)
        .collectList()
        .block(TIMEOUT.multipliedBy(3));

    assertThat(replies).containsExactlyInAnyOrderElementsOf(
        IntStream.range(0, calls).mapToObj(i -> "Hello c" + i).toList());
  }

  @Test
  void concurrentStreamsAndChannelsEachKeepTheirOwnOrder() {
    int streams = 32;
    int count = 100;

    List<List<Reply>> received = Flux.range(0, streams)
        .flatMap(i -> (i % 2 == 0
            ? client().stream(SERVICE, "Contract.Count", new Count("s" + i, count), Reply.class)
            : client().channel(SERVICE, "Contract.Chat",
                Flux.range(1, count).map(n -> new Req("s" + i + " #" + n)), Reply.class)
                .map(reply -> new Reply(reply.message().substring("Hi ".length()))))
            .collectList(), streams)
        .collectList()
        .block(TIMEOUT.multipliedBy(3));

    assertThat(received).hasSize(streams);
    for (List<Reply> replies : received) {
      String stream = replies.get(0).message().substring(0, replies.get(0).message().indexOf(' '));
      assertThat(replies).containsExactlyElementsOf(
          IntStream.rangeClosed(1, count).mapToObj(n -> new Reply(stream + " #" + n)).toList());
    }
  }

  // --- helpers and endpoints ---

  private static void assertSame(Throwable error, MicroException expected) {
    assertThat(error).isInstanceOf(MicroException.class);
    MicroException received = (MicroException) error;
    assertThat(received.id()).as("id").isEqualTo(expected.id());
    assertThat(received.code()).as("code").isEqualTo(expected.code());
    assertThat(received.detail()).as("detail").isEqualTo(expected.detail());
    assertThat(received.status()).as("status").isEqualTo(expected.status());
    assertThat(received.toJson()).as("the error JSON").isEqualTo(expected.toJson());
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * A request.
   *
   * @param name who asks; per-call state of {@link Endpoints} is kept by it
   */
  public record Req(String name) {}

  /**
   * A reply.
   *
   * @param message the text
   */
  public record Reply(String message) {}

  /**
   * A request for {@code count} replies.
   *
   * @param name who asks
   * @param count how many replies
   */
  public record Count(String name, int count) {}

  /**
   * The headers a handler saw.
   *
   * @param headers every header of the call
   */
  public record Headers(Map<String, String> headers) {}

  /**
   * The endpoints the suite's server serves, {@code Contract.*}. Per-call state is kept by the request's
   * name, so tests stay apart.
   */
  @Handler("Contract")
  public static final class Endpoints {

    /** The error of {@code Contract.Teapot}, with a status of its own. */
    static final MicroException TEAPOT = new MicroException("kettle", 418, "short and stout", "I'm a teapot", null);

    private final Map<String, Sinks.One<String>> fired = new ConcurrentHashMap<>();
    private final Map<String, Sinks.Empty<Void>> cancelled = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> produced = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> requested = new ConcurrentHashMap<>();

    /** Creates the endpoints. */
    public Endpoints() {}

    static MicroException claimed(String name) {
      return MicroException.conflict("claims", "%s is already taken", name);
    }

    Sinks.One<String> fired(String name) {
      return fired.computeIfAbsent(name, n -> Sinks.one());
    }

    Sinks.Empty<Void> cancelled(String name) {
      return cancelled.computeIfAbsent(name, n -> Sinks.empty());
    }

    AtomicLong produced(String name) {
      return produced.computeIfAbsent(name, n -> new AtomicLong());
    }

    AtomicLong requested(String name) {
      return requested.computeIfAbsent(name, n -> new AtomicLong());
    }

    /** {@code Contract.Hello}: greets. */
    public Mono<Reply> hello(Req request) {
      return Mono.just(new Reply("Hello " + request.name()));
    }

    /** {@code Contract.Nothing}: answers nothing. */
    public Mono<Reply> nothing(Req request) {
      return Mono.empty();
    }

    /** {@code Contract.Fire}: records the call, for fire-and-forget. */
    public Mono<Void> fire(Req request) {
      return Mono.fromRunnable(() -> fired(request.name()).tryEmitValue(request.name()));
    }

    /** {@code Contract.Count}: {@code count} replies. */
    public Flux<Reply> count(Count request) {
      return Flux.range(1, request.count()).map(i -> new Reply(request.name() + " #" + i));
    }

    /** {@code Contract.Endless}: replies without end, only as fast as asked, counting what is asked. */
    public Flux<Reply> endless(Req request) {
      String name = request.name();
      return Flux.<Long, Long>generate(() -> 0L, (i, sink) -> {
        sink.next(i);
        return i + 1;
      })
          .doOnNext(i -> produced(name).incrementAndGet())
          .map(i -> new Reply(name + " " + i))
          .doOnRequest(n -> requested(name).accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b))
          .doOnCancel(() -> cancelled(name).tryEmitEmpty());
    }

    /** {@code Contract.Ticks}: replies paced by a timer, which keeps no thread busy. */
    public Flux<Reply> ticks(Req request) {
      return Flux.interval(Duration.ofMillis(1))
          .map(i -> new Reply(request.name() + " " + i))
          .doOnCancel(() -> cancelled(request.name()).tryEmitEmpty());
    }

    /** {@code Contract.Chat}: answers each request as it comes. */
    public Flux<Reply> chat(Flux<Req> requests) {
      List<String> names = new ArrayList<>(1);
      return requests.doOnNext(request -> {
        if (names.isEmpty()) {
          names.add(request.name());
        }
      })
          .map(request -> new Reply("Hi " + request.name()))
          .doOnCancel(() -> names.forEach(name -> cancelled(name).tryEmitEmpty()));
    }

    /** {@code Contract.FirstThree}: answers the first three requests, then ends the channel. */
    public Flux<Reply> firstThree(Flux<Req> requests) {
      return requests.take(3).map(request -> new Reply("Hi " + request.name()));
    }

    /** {@code Contract.Echo}: returns the bytes it is given. */
    public Mono<byte[]> echo(byte[] bytes) {
      return Mono.just(bytes);
    }

    /** {@code Contract.EchoAll}: returns each message of the channel. */
    public Flux<byte[]> echoAll(Flux<byte[]> messages) {
      return messages;
    }

    /** {@code Contract.Claim}: fails with a 409. */
    public Mono<Reply> claim(Req request) {
      return Mono.error(claimed(request.name()));
    }

    /** {@code Contract.Teapot}: fails with a 418 and a status of its own. */
    public Mono<Reply> teapot(Req request) {
      return Mono.error(TEAPOT);
    }

    /** {@code Contract.Explode}: fails with an exception that is not a {@code MicroException}. */
    public Mono<Reply> explode(Req request) {
      return Mono.error(new IllegalStateException("the disk is on fire"));
    }

    /** {@code Contract.Faulty}: one reply, then a 409. */
    public Flux<Reply> faulty(Req request) {
      return Flux.concat(Flux.just(new Reply("Hello " + request.name())), Flux.error(claimed(request.name())));
    }

    /** {@code Contract.FaultyChat}: answers the first request, then fails with a 409. */
    public Flux<Reply> faultyChat(Flux<Req> requests) {
      return requests.take(1).concatMap(request -> Flux.concat(Flux.just(new Reply("Hi " + request.name())),
          Flux.error(claimed(request.name()))));
    }

    /** {@code Contract.Headers}: the headers of the call. */
    public Mono<Headers> headers(Req request) {
      return Metadata.current().map(metadata -> new Headers(metadata.asMap()));
    }

    /** {@code Contract.HeadersStream}: the headers of the call, twice. */
    public Flux<Headers> headersStream(Req request) {
      return Metadata.current().map(metadata -> new Headers(metadata.asMap())).repeat(1);
    }

    /** {@code Contract.HeadersChannel}: the headers of the call, once per request. */
    public Flux<Headers> headersChannel(Flux<Req> requests) {
      return requests.concatMap(request -> Metadata.current().map(metadata -> new Headers(metadata.asMap())));
    }
  }
}
