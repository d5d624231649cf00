/** The RSocket transport: RSocket over TCP and WebSocket, and HTTP/1.1, on one port. */
@NullMarked
package io.reactivemicro.rsocket;

import org.jspecify.annotations.NullMarked;
