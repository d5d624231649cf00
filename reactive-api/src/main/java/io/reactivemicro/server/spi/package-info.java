/**
 * For transport authors: the router a server transport dispatches calls to, each endpoint ready to
 * serve calls of its interaction model, and its codec per content type. Applications do not need
 * this package.
 */
@NullMarked
package io.reactivemicro.server.spi;

import org.jspecify.annotations.NullMarked;
