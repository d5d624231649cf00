/** Implementation of the RSocket transport; not API. */
@NullMarked
package io.reactivemicro.rsocket.internal;

import org.jspecify.annotations.NullMarked;
