/** The registry compatibility kit: {@code RegistryContract}, the suite every registry backend runs. */
@NullMarked
package io.reactivemicro.test.registry;

import org.jspecify.annotations.NullMarked;
