/** For plugin authors: what every backend provider has in common. Applications do not need this package. */
@NullMarked
package io.reactivemicro.plugin.spi;

import org.jspecify.annotations.NullMarked;
