/**
 * The NATS registry, Go Micro's design: every registry answers look-ups for the nodes it registered on a
 * query subject, and announces changes on a watch subject.
 */
@NullMarked
package io.reactivemicro.registry.nats;

import org.jspecify.annotations.NullMarked;
