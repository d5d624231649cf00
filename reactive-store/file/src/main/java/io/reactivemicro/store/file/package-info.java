/** The embedded, persistent store: one H2 MVStore file in a local directory. */
@NullMarked
package io.reactivemicro.store.file;

import org.jspecify.annotations.NullMarked;
