package io.reactivemicro.internal.operator;

import org.jspecify.annotations.Nullable;
import reactor.core.Scannable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;

/**
 * A one-step {@code Mono} operator over one source, as reactor-core writes its own: its subscriber is a
 * {@link StepSubscriber}, and it answers Reactor's scans ({@code PARENT}, {@code PREFETCH},
 * {@code RUN_STYLE}) so that assembly tracing and {@code checkpoint()} see through it.
 *
 * @param <I> the type the source emits
 * @param <O> the type this operator emits
 */
public abstract class StepMono<I, O> extends MonoOperator<I, O> {

  /**
   * Wraps {@code source}.
   *
   * @param source the source subscribed for each subscriber
   */
  protected StepMono(Mono<? extends I> source) {
    super(source);
  }

  @Override
  public @Nullable Object scanUnsafe(Scannable.Attr key) {
    if (key == Scannable.Attr.RUN_STYLE) {
      return Scannable.Attr.RunStyle.SYNC;
    }
    return super.scanUnsafe(key);
  }
}
