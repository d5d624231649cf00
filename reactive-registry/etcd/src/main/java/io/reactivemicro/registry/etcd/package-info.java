/**
 * The etcd registry: each node is a key under a prefix, attached to a lease that lasts the registration's
 * TTL, and changes are seen through an etcd prefix watch.
 */
@NullMarked
package io.reactivemicro.registry.etcd;

import org.jspecify.annotations.NullMarked;
