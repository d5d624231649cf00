package io.reactivemicro.rsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.Service;
import io.reactivemicro.errors.MicroException;
import java.time.Duration;

/** What the RPC tests share: message types, starting services on loopback, checking errors. */
final class RpcTestSupport {

  /** How long any one reactive assertion may take. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Every test server binds an ephemeral port on loopback. */
  static final String LOOPBACK = "127.0.0.1:0";

  private RpcTestSupport() {}

  /** A request. */
  public record Req(String name) {}

  /** A reply. */
  public record Reply(String message) {}

  /** A request for {@code count} replies. */
  public record StreamReq(String name, int count) {}

  /** Builds and starts a service, returning it once it is registered and serving. */
  static Service started(Service.Builder builder) {
    Service service = builder.build();
    service.start().block(TIMEOUT);
    return service;
  }

  /** Stops a service, if there is one, waiting for it. */
  static void stop(Service service) {
    if (service != null) {
      service.stop().block(TIMEOUT);
    }
  }

  /** Returns the address a started service listens on. */
  static String addressOf(Service service) {
    return service.address();
  }

  /**
   * Asserts that {@code error} is a {@link MicroException} with this well-known code and its reason
   * phrase, returning it for more checks.
   */
  static MicroException micro(Throwable error, int code) {
    assertThat(error).isInstanceOf(MicroException.class);
    MicroException micro = (MicroException) error;
    assertThat(micro.code()).as("code of %s", micro).isEqualTo(code);
    assertThat(micro.status()).as("status of %s", micro).isEqualTo(MicroException.statusText(code));
    return micro;
  }
}
