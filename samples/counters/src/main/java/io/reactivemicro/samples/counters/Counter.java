package io.reactivemicro.samples.counters;

/**
 * A counter's value, as {@code Counters.Increment} and {@code Counters.Get} answer it, and as it is kept
 * in the store (JSON).
 *
 * @param name the counter
 * @param value its value
 */
public record Counter(String name, long value) {}
