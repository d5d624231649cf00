/** The providers of the in-memory backends and the loader that picks a plugin for the settings. Not API. */
@NullMarked
package io.reactivemicro.internal.provider;

import org.jspecify.annotations.NullMarked;
