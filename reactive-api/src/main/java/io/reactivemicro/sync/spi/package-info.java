/**
 * For sync backend authors: the provider a plugin registers with {@code ServiceLoader}, and a
 * {@code Sync} built on a lease backend (acquire, renew, release with fencing tokens), which is all a
 * backend has to write. Applications do not need this package.
 */
@NullMarked
package io.reactivemicro.sync.spi;

import org.jspecify.annotations.NullMarked;
