/**
 * What the project's tests, and those of a backend or transport of one's own, share: {@code Await} for
 * waiting with a deadline, a default {@code StepVerifier} timeout, the contract suites' sub-packages, and
 * what those suites share for testing how a backend is made: {@code BackendContract} and its hooks,
 * {@code ApplicationClient}, {@code SharedClientChecks} and {@code Refusal}.
 */
@NullMarked
package io.reactivemicro.test;

import org.jspecify.annotations.NullMarked;
