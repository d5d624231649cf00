/** Request metadata: string headers carried in the Reactor {@code Context} from call to call. */
@NullMarked
package io.reactivemicro.metadata;

import org.jspecify.annotations.NullMarked;
