package io.reactivemicro.rsocket;

import static io.reactivemicro.rsocket.RpcTestSupport.LOOPBACK;
import static io.reactivemicro.rsocket.RpcTestSupport.TIMEOUT;
import static io.reactivemicro.rsocket.RpcTestSupport.micro;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.Service;
import io.reactivemicro.client.RequestOptions;
import io.reactivemicro.client.Client;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.transport.TransportOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Payloads larger than a fragment travel intact; payloads over the server's limit are refused with a 413. */
class LargePayloadTest {

  private static final int MIB = 1024 * 1024;
  private static final RequestOptions BYTES = RequestOptions.defaults().withContentType("application/octet-stream")
      .withTimeout(Duration.ofSeconds(20));

  /** Endpoint {@code Blob.Echo}. */
  public static final class Blob {
    public Mono<byte[]> echo(byte[] bytes) {
      return Mono.just(bytes);
    }
  }

  static final Registry registry = Registry.memory();
  static Service roomy;
  static Service strict;
  static Client client;

  @BeforeAll
  static void start() {
    roomy = RpcTestSupport.started(Service.builder("roomy").address(LOOPBACK).registry(registry).handler(new Blob()));
    strict = RpcTestSupport.started(Service.builder("strict").address(LOOPBACK).registry(registry)
        .handler(new Blob())
        .transportOptions(TransportOptions.defaults().withMaxInboundPayloadSize(MIB)));
    client = Client.builder().registry(registry).build();
  }

  @AfterAll
  static void stop() {
    client.close().block(Duration.ofSeconds(10));
    RpcTestSupport.stop(roomy);
    RpcTestSupport.stop(strict);
  }

  @Test
  void aTwentyMegabytePayloadRoundTripsByteForByte() {
    byte[] sent = randomBytes(20 * MIB, 20);
    StepVerifier.create(client.<byte[]>call("roomy", "Blob.Echo", sent, byte[].class, BYTES))
        .assertNext(received -> {
          assertThat(received).hasSize(sent.length);
          assertThat(Arrays.mismatch(sent, received)).as("first differing byte").isEqualTo(-1);
        })
        .expectComplete()
        .verify(Duration.ofSeconds(30));
  }

  @Test
  void aPayloadJustUnderTheLimitIsServed() {
    byte[] sent = randomBytes(MIB - 1024, 2);
    StepVerifier.create(client.<byte[]>call("strict", "Blob.Echo", sent, byte[].class, BYTES))
        .assertNext(received -> assertThat(Arrays.mismatch(sent, received)).isEqualTo(-1))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void aPayloadOverTheServersLimitIsRefusedWith413AndTheServerStaysUp() {
    byte[] tooLarge = randomBytes(2 * MIB, 413);
    StepVerifier.create(client.<byte[]>call("strict", "Blob.Echo", tooLarge, byte[].class, BYTES))
        .expectErrorSatisfies(error -> assertThat(micro(error, 413).detail()).contains(String.valueOf(MIB)))
        .verify(TIMEOUT);

    byte[] small = {1, 2, 3};
    StepVerifier.create(client.<byte[]>call("strict", "Blob.Echo", small, byte[].class, BYTES))
        .assertNext(received -> assertThat(received).containsExactly(1, 2, 3))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void aPayloadOverTheLimitOnANewConnectionIsRefusedWith413() {
    Client fresh = Client.builder().registry(registry).build();
    try {
      StepVerifier.create(fresh.<byte[]>call("strict", "Blob.Echo", randomBytes(3 * MIB, 3), byte[].class, BYTES))
          .expectErrorSatisfies(error -> micro(error, 413))
          .verify(TIMEOUT);
      StepVerifier.create(fresh.<byte[]>call("strict", "Blob.Echo", new byte[] {9}, byte[].class, BYTES))
          .assertNext(received -> assertThat(received).containsExactly(9))
          .expectComplete()
          .verify(TIMEOUT);
    } finally {
      fresh.close().block(Duration.ofSeconds(10));
    }
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
