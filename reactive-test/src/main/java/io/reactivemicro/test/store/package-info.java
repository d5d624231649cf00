/** The store compatibility kit: {@code StoreContract}, the suite every store backend runs. */
@NullMarked
package io.reactivemicro.test.store;

import org.jspecify.annotations.NullMarked;
