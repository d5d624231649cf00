/**
 * Node selection for client-side load balancing: a {@link io.reactivemicro.selector.Selector} caches the
 * nodes of each service called, fed by the registry's watch; a {@link io.reactivemicro.selector.Strategy}
 * orders them (random, round robin, least outstanding requests); a
 * {@link io.reactivemicro.selector.Filter} keeps a version or the nodes carrying some metadata; nodes
 * whose calls fail to connect or time out are avoided for a back-off, then probed.
 */
@NullMarked
package io.reactivemicro.selector;

import org.jspecify.annotations.NullMarked;
