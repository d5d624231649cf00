/** Errors in Go Micro's {@code {id, code, detail, status}} shape. */
@NullMarked
package io.reactivemicro.errors;

import org.jspecify.annotations.NullMarked;
