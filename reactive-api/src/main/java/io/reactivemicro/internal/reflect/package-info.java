/** Reflection on handler classes: endpoint signatures and the descriptions of request and response types. Not API. */
@NullMarked
package io.reactivemicro.internal.reflect;

import org.jspecify.annotations.NullMarked;
