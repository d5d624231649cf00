package io.reactivemicro.samples.pubsub;

/**
 * What billing has charged so far.
 *
 * @param orders how many orders
 * @param cents their sum in cents
 */
public record Total(long orders, long cents) {}
