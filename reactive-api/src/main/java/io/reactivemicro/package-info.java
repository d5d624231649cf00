/** Reactive Micro: a service with a name, handlers, a registry, a server and a client. */
@NullMarked
package io.reactivemicro;

import org.jspecify.annotations.NullMarked;
