/**
 * Durable event streams: the {@link io.reactivemicro.stream.Stream} interface (Go Micro's
 * {@code events.Stream}, made reactive), its options, its {@link io.reactivemicro.stream.Event} and the
 * in-memory stream.
 */
@NullMarked
package io.reactivemicro.stream;

import org.jspecify.annotations.NullMarked;
