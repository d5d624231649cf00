package io.reactivemicro.samples.counters;

/**
 * The request of {@code Counters.Get}: the counter {@code name}.
 *
 * @param name the counter; 1 to 200 characters
 */
public record Get(String name) {}
