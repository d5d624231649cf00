/** For store backend authors: the provider a plugin registers with {@code ServiceLoader}, and validation, key matching and expiry shared by the backends. Applications do not need this package. */
@NullMarked
package io.reactivemicro.store.spi;

import org.jspecify.annotations.NullMarked;
