package io.reactivemicro.samples.helloworld.clients;

/**
 * The reply of every helloworld endpoint, {@code {"message": "..."}}; the client's own type, not the
 * service's.
 *
 * @param message the greeting
 */
public record Greeting(String message) {}
