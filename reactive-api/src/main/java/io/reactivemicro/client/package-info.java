/** The client: calls, streams, channels, fire-and-forget and typed proxies. */
@NullMarked
package io.reactivemicro.client;

import org.jspecify.annotations.NullMarked;
