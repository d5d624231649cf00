package io.reactivemicro.internal.operator;

import java.util.Objects;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Maps a {@code Mono}'s value and its error in one step, as {@code map} and {@code onErrorMap} would with
 * one subscriber instead of two. A value the mapping cannot convert cancels the source and fails the
 * subscriber with the mapped error of what the mapping threw.
 *
 * @param <I> the type the source emits
 * @param <O> the type this operator emits
 */
public class MapStep<I, O> extends StepMono<I, O> {

  /**
   * What a {@link MapStep} does with each signal.
   *
   * @param <I> the type of the source's value
   * @param <O> the type of the mapped value
   */
  public interface Mapping<I, O> {

    /** Returns the value passed on for the source's {@code value}; may throw. */
    O mapValue(I value);

    /** Returns the error passed on for the source's {@code error}, or for one {@link #mapValue} threw. */
    Throwable mapError(Throwable error);

    /**
     * Handles a value that arrived after the operator ended; by default handed to
     * {@link Operators#onNextDropped}. A mapping of reference-counted values releases it here.
     */
    default void dropped(I value, Context context) {
      Operators.onNextDropped(value, context);
    }
  }

  private final Mapping<I, O> mapping;

  /**
   * Maps {@code source} with {@code mapping}.
   *
   * @param source the source subscribed for each subscriber
   * @param mapping what is done with each signal
   */
  public MapStep(Mono<? extends I> source, Mapping<I, O> mapping) {
    super(source);
    this.mapping = mapping;
  }

  /**
   * Maps {@code source} with this operator itself, for a subclass that implements {@link Mapping}: one
   * object per call holds both what the call needs and the mapping.
   *
   * @param source the source subscribed for each subscriber
   * @throws IllegalStateException when the subclass is not a {@link Mapping}
   */
  @SuppressWarnings("unchecked")
  protected MapStep(Mono<? extends I> source) {
    super(source);
    if (!(this instanceof Mapping<?, ?>)) {
      throw new IllegalStateException(getClass().getName() + " must implement MapStep.Mapping");
    }
    this.mapping = (Mapping<I, O>) this;
  }

  @Override
  public final void subscribe(CoreSubscriber<? super O> actual) {
    source.subscribe(subscriber(actual, mapping));
  }

  /**
   * Returns the subscriber that maps what it gets with {@code mapping} and passes it on to
   * {@code actual}, for an operator that makes its source when subscribed.
   */
  public static <I, O> CoreSubscriber<I> subscriber(CoreSubscriber<? super O> actual, Mapping<I, O> mapping) {
    return new MapSubscriber<>(actual, mapping);
  }

  private static final class MapSubscriber<I, O> extends StepSubscriber<I, O> {

    private final Mapping<I, O> mapping;

    MapSubscriber(CoreSubscriber<? super O> actual, Mapping<I, O> mapping) {
      super(actual);
      this.mapping = mapping;
    }

    @Override
    protected void hookOnNext(I value) {
      O mapped;
      try {
        mapped = Objects.requireNonNull(mapping.mapValue(value), "the mapping returned null");
      } catch (Throwable t) {
        Throwable error = mapping.mapError(Operators.onOperatorError(t, currentContext()));
        if (!fail(error, true)) {
          droppedError(error);
        }
        return;
      }
      actual.onNext(mapped);
    }

    @Override
    protected void hookOnError(Throwable error) {
      actual.onError(mapping.mapError(error));
    }

    @Override
    protected void dropped(I value) {
      mapping.dropped(value, currentContext());
    }
  }
}
