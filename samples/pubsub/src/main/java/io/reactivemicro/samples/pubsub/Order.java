package io.reactivemicro.samples.pubsub;

/**
 * An order placed in the shop.
 *
 * @param item what is bought
 * @param cents its price in cents
 */
public record Order(String item, long cents) {}
