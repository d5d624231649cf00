/** The transport compatibility kit: {@code TransportContract}, the suite every transport runs. */
@NullMarked
package io.reactivemicro.test.transport;

import org.jspecify.annotations.NullMarked;
