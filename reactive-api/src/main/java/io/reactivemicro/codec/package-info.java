/** Message encoding chosen by content type: JSON, Protobuf and raw bytes. */
@NullMarked
package io.reactivemicro.codec;

import org.jspecify.annotations.NullMarked;
