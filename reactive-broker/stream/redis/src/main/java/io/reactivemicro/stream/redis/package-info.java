/** The Redis stream: durable event streams on Redis Streams ({@code MICRO_STREAM=redis}). */
@NullMarked
package io.reactivemicro.stream.redis;

import org.jspecify.annotations.NullMarked;
