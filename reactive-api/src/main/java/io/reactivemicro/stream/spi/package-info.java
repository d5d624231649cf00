/**
 * For stream backend authors: the provider a plugin registers with {@code ServiceLoader}, the consumer
 * group engine of the memory and log streams (with the event store it runs on), event ids, topic
 * validation and the auto-ack operator. Applications do not need this package.
 */
@NullMarked
package io.reactivemicro.stream.spi;

import org.jspecify.annotations.NullMarked;
