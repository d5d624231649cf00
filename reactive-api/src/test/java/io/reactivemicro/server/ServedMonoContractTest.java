package io.reactivemicro.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.internal.operator.OneStepOperatorContract;
import io.reactivemicro.metadata.Metadata;
import io.reactivemicro.server.spi.Router;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The server's request-response operator keeps the operator contract, and counts each call out once,
 * whichever signals its handler sends.
 */
class ServedMonoContractTest extends OneStepOperatorContract {

  /** A handler whose answer is the contract's source. */
  public static final class Echo {
    @Nullable Mono<String> answer;

    public Mono<String> call(String request) {
      Mono<String> source = answer;
      assertThat(source).isNotNull();
      return source;
    }
  }

  private final Echo echo = new Echo();
  private final Router router = Router.builder("echo").handler(echo).build();

  @Override
  @SuppressWarnings("unchecked")
  protected Mono<String> apply(Mono<String> source) {
    echo.answer = source;
    // Not cast(): that would add an operator between the contract and the one under test.
    return (Mono<String>) (Mono<?>) router.require("Echo.Call").requestResponse("request", Metadata.empty());
  }

  @Override
  protected void release() {
    assertThat(router.inFlight()).as("calls still counted in flight").isZero();
  }
}
