/** The log stream: an embedded, persistent event log on local disk ({@code MICRO_STREAM=log}). */
@NullMarked
package io.reactivemicro.stream.log;

import org.jspecify.annotations.NullMarked;
