/** Node selection for client-side load balancing. */
@NullMarked
package io.reactivemicro.selector;

import org.jspecify.annotations.NullMarked;
