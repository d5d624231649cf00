/** The transport service-provider interface, implemented by {@code reactive-rsocket}. */
@NullMarked
package io.reactivemicro.transport;

import org.jspecify.annotations.NullMarked;
