package io.reactivemicro.samples.pubsub;

/**
 * What the shop answers to an order.
 *
 * @param orderId the order's id
 */
public record Receipt(String orderId) {}
