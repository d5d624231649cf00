/** The broker compatibility kit: {@code BrokerContract}, the suite every broker backend runs. */
@NullMarked
package io.reactivemicro.test.broker;

import org.jspecify.annotations.NullMarked;
