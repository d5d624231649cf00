/**
 * Choosing backends without code: {@link io.reactivemicro.plugin.Settings} reads Go Micro's flags and
 * {@code MICRO_*} environment variables, and {@link io.reactivemicro.plugin.Plugins} finds the backend
 * they name through {@link java.util.ServiceLoader}.
 */
@NullMarked
package io.reactivemicro.plugin;

import org.jspecify.annotations.NullMarked;
