package io.reactivemicro.samples.helloworld;

/**
 * Asks for a number of greetings.
 *
 * @param name who to greet
 * @param count how many greetings
 */
public record StreamRequest(String name, int count) {}
