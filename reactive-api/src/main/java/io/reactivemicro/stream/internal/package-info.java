/**
 * Implementation support shared by the stream backends: the group engine of the memory and log
 * streams, validation and the auto-ack operator. Not API: it may change in any release.
 */
@NullMarked
package io.reactivemicro.stream.internal;

import org.jspecify.annotations.NullMarked;
