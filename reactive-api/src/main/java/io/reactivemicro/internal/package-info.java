/** Implementation classes; not API, and subject to change without notice. */
@NullMarked
package io.reactivemicro.internal;

import org.jspecify.annotations.NullMarked;
