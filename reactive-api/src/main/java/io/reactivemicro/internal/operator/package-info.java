/**
 * The base of the runtime's hand-written {@code Mono} operators: {@link
 * io.reactivemicro.internal.operator.StepMono} and {@link io.reactivemicro.internal.operator.StepSubscriber}
 * carry reactor-core's conventions (scannable, late signals dropped through {@code Operators}, one atomic
 * end), and {@link io.reactivemicro.internal.operator.MapStep} maps a value and an error in one step. Not API.
 */
@NullMarked
package io.reactivemicro.internal.operator;

import org.jspecify.annotations.NullMarked;
