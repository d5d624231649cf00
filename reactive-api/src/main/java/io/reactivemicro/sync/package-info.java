/**
 * Distributed locks and leader election: the {@code Sync} interface, its lease engine for backends and
 * the in-memory default.
 */
@NullMarked
package io.reactivemicro.sync;

import org.jspecify.annotations.NullMarked;
