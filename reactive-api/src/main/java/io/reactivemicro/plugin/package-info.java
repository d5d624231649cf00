/**
 * Choosing backends without code: {@link io.reactivemicro.plugin.Settings} reads Go Micro's flags and
 * {@code MICRO_*} environment variables, and {@link io.reactivemicro.internal.provider.Plugins} finds the backend
 * they name through {@link java.util.ServiceLoader}.
 */
@NullMarked
package io.reactivemicro.plugin;

import io.reactivemicro.internal.provider.Plugins;
import org.jspecify.annotations.NullMarked;
