/** For registry backend authors: the provider a plugin registers with {@code ServiceLoader}. Applications do not need this package. */
@NullMarked
package io.reactivemicro.registry.spi;

import org.jspecify.annotations.NullMarked;
