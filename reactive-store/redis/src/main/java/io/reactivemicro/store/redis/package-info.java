/** The store on Redis, through Lettuce's reactive API. */
@NullMarked
package io.reactivemicro.store.redis;

import org.jspecify.annotations.NullMarked;
