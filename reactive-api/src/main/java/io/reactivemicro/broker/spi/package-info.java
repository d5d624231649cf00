/**
 * For broker backend authors: the provider a plugin registers with {@code ServiceLoader}, the
 * envelope the brokers without headers carry messages in, and topic validation. Applications do not
 * need this package.
 */
@NullMarked
package io.reactivemicro.broker.spi;

import org.jspecify.annotations.NullMarked;
