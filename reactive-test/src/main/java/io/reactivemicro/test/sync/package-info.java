/** The sync compatibility kit: {@code SyncContract}, the suite every sync backend runs. */
@NullMarked
package io.reactivemicro.test.sync;

import org.jspecify.annotations.NullMarked;
