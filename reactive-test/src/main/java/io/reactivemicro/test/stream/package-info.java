/** The stream compatibility kit: {@code StreamContract}, the suite every stream backend runs. */
@NullMarked
package io.reactivemicro.test.stream;

import org.jspecify.annotations.NullMarked;
