/** Locks and leader election on PostgreSQL or CockroachDB lease rows: {@code MICRO_SYNC=postgres}. */
@NullMarked
package io.reactivemicro.sync.postgres;

import org.jspecify.annotations.NullMarked;
