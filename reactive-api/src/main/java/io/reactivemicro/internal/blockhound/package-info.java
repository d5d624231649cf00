/** BlockHound integrations, found by BlockHound's service loader when it is installed. Not API. */
@NullMarked
package io.reactivemicro.internal.blockhound;

import org.jspecify.annotations.NullMarked;
