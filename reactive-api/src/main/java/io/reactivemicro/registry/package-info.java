/** Service discovery: the {@code Registry} interface, its records and the in-memory registry. */
@NullMarked
package io.reactivemicro.registry;

import org.jspecify.annotations.NullMarked;
