/** The runtime of {@code @Subscribe} methods: reflected once, subscribed with the service, drained when it stops. Not API. */
@NullMarked
package io.reactivemicro.internal.subscribe;

import org.jspecify.annotations.NullMarked;
