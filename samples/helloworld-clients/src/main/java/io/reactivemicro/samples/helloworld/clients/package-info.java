/**
 * Calling a Reactive Micro service from applications that know nothing of Reactive Micro: plain
 * rsocket-java ({@link io.reactivemicro.samples.helloworld.clients.RawRSocketClient}) and Spring's
 * {@code RSocketRequester} ({@link io.reactivemicro.samples.helloworld.clients.SpringRequesterClient}).
 */
package io.reactivemicro.samples.helloworld.clients;
