package io.reactivemicro.samples.pubsub;

/**
 * The event the shop publishes on the topic {@value Shop#TOPIC} for every order.
 *
 * @param orderId the order's id
 * @param item what was bought
 * @param cents its price in cents
 */
public record OrderPlaced(String orderId, String item, long cents) {}
