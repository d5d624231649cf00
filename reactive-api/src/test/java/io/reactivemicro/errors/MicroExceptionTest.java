package io.reactivemicro.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MicroExceptionTest {

  @FunctionalInterface
  interface Factory {
    MicroException create(String id, String format, Object... args);
  }

  static Stream<Arguments> factories() {
    return Stream.of(
        Arguments.of((Factory) MicroException::badRequest, 400, "Bad Request"),
        Arguments.of((Factory) MicroException::unauthorized, 401, "Unauthorized"),
        Arguments.of((Factory) MicroException::forbidden, 403, "Forbidden"),
        Arguments.of((Factory) MicroException::notFound, 404, "Not Found"),
        Arguments.of((Factory) MicroException::methodNotAllowed, 405, "Method Not Allowed"),
        Arguments.of((Factory) MicroException::timeout, 408, "Request Timeout"),
        Arguments.of((Factory) MicroException::conflict, 409, "Conflict"),
        Arguments.of((Factory) MicroException::payloadTooLarge, 413, "Payload Too Large"),
        Arguments.of((Factory) MicroException::internalServerError, 500, "Internal Server Error"),
        Arguments.of((Factory) MicroException::notImplemented, 501, "Not Implemented"),
        Arguments.of((Factory) MicroException::badGateway, 502, "Bad Gateway"),
        Arguments.of((Factory) MicroException::serviceUnavailable, 503, "Service Unavailable"),
        Arguments.of((Factory) MicroException::gatewayTimeout, 504, "Gateway Timeout"));
  }

  @ParameterizedTest(name = "{1} {2}")
  @MethodSource("factories")
  void factorySetsCodeStatusAndFormattedDetail(Factory factory, int code, String status) {
    MicroException error = factory.create("users", "user %s in %d", "ada", 7);

    assertThat(error.id()).isEqualTo("users");
    assertThat(error.code()).isEqualTo(code);
    assertThat(error.status()).isEqualTo(status);
    assertThat(error.detail()).isEqualTo("user ada in 7");
    assertThat(error.getMessage()).isEqualTo("users: " + code + " " + status + ": user ada in 7");
  }

  @ParameterizedTest(name = "{1} {2}")
  @MethodSource("factories")
  void jsonRoundTripKeepsEveryField(Factory factory, int code, String status) {
    MicroException error = factory.create("orders", "order \"%s\" failed: %s", "42", "ünïcode ✓");

    MicroException parsed = MicroException.parse(error.toJson());

    assertThat(parsed.id()).isEqualTo("orders");
    assertThat(parsed.code()).isEqualTo(code);
    assertThat(parsed.status()).isEqualTo(status);
    assertThat(parsed.detail()).isEqualTo("order \"42\" failed: ünïcode ✓");
  }

  @Test
  void jsonFieldsComeInGoMicrosOrder() {
    assertThat(MicroException.notFound("users", "no such user").toJson())
        .isEqualTo("{\"id\":\"users\",\"code\":404,\"detail\":\"no such user\",\"status\":\"Not Found\"}");
  }

  @Test
  void parseOfTextThatIsNotJsonGivesA500WithTheTextAsDetail() {
    MicroException parsed = MicroException.parse("upstream connect error");

    assertThat(parsed.code()).isEqualTo(500);
    assertThat(parsed.status()).isEqualTo("Internal Server Error");
    assertThat(parsed.detail()).isEqualTo("upstream connect error");
    assertThat(parsed.id()).isEmpty();
  }

  @Test
  void parseOfJsonWithoutACodeGivesA500WithTheTextAsDetail() {
    MicroException parsed = MicroException.parse("{\"message\":\"oops\"}");

    assertThat(parsed.code()).isEqualTo(500);
    assertThat(parsed.detail()).isEqualTo("{\"message\":\"oops\"}");
  }

  @Test
  void parseDerivesAMissingStatusFromTheCode() {
    MicroException parsed = MicroException.parse("{\"id\":\"go.micro.client\",\"code\":408,\"detail\":\"timeout\"}");

    assertThat(parsed.id()).isEqualTo("go.micro.client");
    assertThat(parsed.code()).isEqualTo(408);
    assertThat(parsed.status()).isEqualTo("Request Timeout");
    assertThat(parsed.detail()).isEqualTo("timeout");
  }

  @Test
  void fromARuntimeExceptionGivesA500WithItsMessage() {
    IllegalStateException cause = new IllegalStateException("database is down");

    MicroException error = MicroException.from("users", cause);

    assertThat(error.id()).isEqualTo("users");
    assertThat(error.code()).isEqualTo(500);
    assertThat(error.status()).isEqualTo("Internal Server Error");
    assertThat(error.detail()).isEqualTo("database is down");
    assertThat(error.getCause()).isSameAs(cause);
    assertThat(error.toJson()).doesNotContain("IllegalStateException").doesNotContain("at io.");
  }

  @Test
  void fromAnExceptionWithoutMessageUsesItsSimpleName() {
    assertThat(MicroException.from("users", new NullPointerException()).detail())
        .isEqualTo("NullPointerException");
  }

  @Test
  void fromAMicroExceptionReturnsItUnchanged() {
    MicroException original = MicroException.conflict("users", "exists");

    assertThat(MicroException.from("gateway", original)).isSameAs(original);
  }

  @Test
  void unknownCodeHasUnknownStatus() {
    MicroException error = new MicroException("x", 599, "odd");

    assertThat(error.status()).isEqualTo("Unknown");
    assertThat(MicroException.statusText(429)).isEqualTo("Too Many Requests");
  }

  @Test
  void errorsWithoutCauseCarryNoStackTrace() {
    assertThat(MicroException.notFound("users", "gone").getStackTrace()).isEmpty();
  }
}
