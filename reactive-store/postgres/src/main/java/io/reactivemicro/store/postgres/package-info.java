/** The store on PostgreSQL or CockroachDB, through R2DBC. */
@NullMarked
package io.reactivemicro.store.postgres;

import org.jspecify.annotations.NullMarked;
