package io.reactivemicro.samples.helloworld;

/**
 * A greeting.
 *
 * @param message the greeting
 */
public record Response(String message) {}
