/** Locks and leader election on Redis: {@code MICRO_SYNC=redis}. */
@NullMarked
package io.reactivemicro.sync.redis;

import org.jspecify.annotations.NullMarked;
