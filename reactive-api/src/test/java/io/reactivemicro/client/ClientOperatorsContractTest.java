package io.reactivemicro.client;

import io.reactivemicro.internal.operator.OneStepOperatorContract;
import io.reactivemicro.registry.Node;
import io.reactivemicro.registry.Registry;
import io.reactivemicro.selector.Selector;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Nested;
import reactor.core.publisher.Mono;

/** The client's one-step operators each keep the operator contract. */
class ClientOperatorsContractTest {

  @Nested
  class Tracked extends OneStepOperatorContract {
    @Override
    protected Mono<String> apply(Mono<String> source) {
      return new TrackedMono<>(source, Selector.random(Registry.shared()), "greeter",
          Node.of("greeter-1", "127.0.0.1:1"));
    }
  }

  @Nested
  class Resume extends OneStepOperatorContract {
    @Override
    protected Mono<String> apply(Mono<String> source) {
      // The fallback is an empty source, so that the first source's error is the call's error.
      return new ResumeMono<>(source, Mono::error);
    }
  }

  @Nested
  class Timeout extends OneStepOperatorContract {

    private final TimeoutMono.Timers timers = new TimeoutMono.Timers();

    @Override
    protected Mono<String> apply(Mono<String> source) {
      return new TimeoutMono<>(source, timers, Duration.ofHours(1).toNanos(), TimeoutException::new);
    }

    @Override
    protected void release() {
      timers.close();
    }
  }
}
