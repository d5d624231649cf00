/** The server: handlers turned into endpoints, interceptors and the router transports dispatch to. */
@NullMarked
package io.reactivemicro.server;

import org.jspecify.annotations.NullMarked;
