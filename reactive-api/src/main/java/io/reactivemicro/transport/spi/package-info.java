/**
 * For transport authors: the transport a plugin registers with {@code ServiceLoader}, its client and
 * server sides, and the request a client sends. Applications do not need this package.
 */
@NullMarked
package io.reactivemicro.transport.spi;

import org.jspecify.annotations.NullMarked;
