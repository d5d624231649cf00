/**
 * Storage: the {@code Store} interface (Go Micro's store, made reactive), its records and options, typed
 * access through codecs, and the in-memory store. Backends live in the {@code reactive-store-*} modules.
 */
@NullMarked
package io.reactivemicro.store;

import org.jspecify.annotations.NullMarked;
