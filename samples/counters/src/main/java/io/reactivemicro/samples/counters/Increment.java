package io.reactivemicro.samples.counters;

/**
 * The request of {@code Counters.Increment}: adds {@code by} to the counter {@code name}.
 *
 * @param name the counter; 1 to 200 characters
 * @param by what to add; negative to subtract, 0 to read
 */
public record Increment(String name, long by) {}
