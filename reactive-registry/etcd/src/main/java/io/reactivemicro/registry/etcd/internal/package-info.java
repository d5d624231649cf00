/** The plugin's provider, found by {@link java.util.ServiceLoader}: not for applications, not exported. */
@NullMarked
package io.reactivemicro.registry.etcd.internal;

import org.jspecify.annotations.NullMarked;
