package io.reactivemicro.internal.operator;

import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

/** The map/map-error step: the operator contract, and its own conversions. */
class MapStepTest {

  private static final Duration VERIFY = Duration.ofSeconds(5);

  private static final MapStep.Mapping<String, String> UPPER = new MapStep.Mapping<>() {
    @Override
    public String mapValue(String value) {
      if (value.equals("bad")) {
        throw new IllegalArgumentException("cannot convert " + value);
      }
      return value.toUpperCase(java.util.Locale.ROOT);
    }

    @Override
    public Throwable mapError(Throwable error) {
      return new IllegalStateException("mapped: " + error.getMessage(), error);
    }
  };

  @Nested
  class Contract extends OneStepOperatorContract {
    @Override
    protected Mono<String> apply(Mono<String> source) {
      // An identity mapping, so that the contract's values pass as they are.
      return new MapStep<>(source, new MapStep.Mapping<String, String>() {
        @Override
        public String mapValue(String value) {
          return value;
        }

        @Override
        public Throwable mapError(Throwable error) {
          return error;
        }
      });
    }
  }

  @Test
  void theValueIsMapped() {
    StepVerifier.create(new MapStep<>(Mono.just("a"), UPPER))
        .expectNext("A")
        .expectComplete()
        .verify(VERIFY);
  }

  @Test
  void theErrorIsMapped() {
    StepVerifier.create(new MapStep<>(Mono.<String>error(new RuntimeException("boom")), UPPER))
        .expectErrorMessage("mapped: boom")
        .verify(VERIFY);
  }

  @Test
  void aValueTheMappingCannotConvertFailsTheCallWithTheMappedError() {
    StepVerifier.create(new MapStep<>(Mono.just("bad"), UPPER))
        .expectErrorMessage("mapped: cannot convert bad")
        .verify(VERIFY);
  }

  @Test
  void aValueTheMappingCannotConvertCancelsTheSource() {
    TestPublisher<String> source = TestPublisher.create();
    StepVerifier.create(new MapStep<>(source.mono(), UPPER))
        .then(() -> source.next("bad"))
        .expectErrorMessage("mapped: cannot convert bad")
        .verify(VERIFY);
    source.assertCancelled();
  }
}
