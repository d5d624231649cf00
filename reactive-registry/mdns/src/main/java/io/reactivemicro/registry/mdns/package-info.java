/**
 * The {@code mdns} registry: zero-configuration discovery on the local network over multicast DNS, chosen
 * with {@code MICRO_REGISTRY=mdns} or {@code --registry=mdns}.
 */
@NullMarked
package io.reactivemicro.registry.mdns;

import org.jspecify.annotations.NullMarked;
