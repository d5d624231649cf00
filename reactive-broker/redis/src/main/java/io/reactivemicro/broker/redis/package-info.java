/** The Redis broker: pub/sub channels, with Redis lists for queue groups, through lettuce. */
@NullMarked
package io.reactivemicro.broker.redis;

import org.jspecify.annotations.NullMarked;
