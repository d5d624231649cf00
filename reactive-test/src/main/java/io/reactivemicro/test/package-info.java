/**
 * What the project's tests, and those of a backend or transport of one's own, share: {@code Await} for
 * waiting with a deadline, a default {@code StepVerifier} timeout, and the contract suites' sub-packages.
 */
@NullMarked
package io.reactivemicro.test;

import org.jspecify.annotations.NullMarked;
