package io.reactivemicro.samples.helloworld;

/**
 * A greeting request.
 *
 * @param name who to greet
 */
public record Request(String name) {}
