/** Locks and leader election on etcd leases: {@code MICRO_SYNC=etcd}. */
@NullMarked
package io.reactivemicro.sync.etcd;

import org.jspecify.annotations.NullMarked;
